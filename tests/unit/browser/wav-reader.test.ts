import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSpeechWav } from '$lib/browser/wav-reader';
import { decodeWithFfmpeg } from '$lib/server/media';
import { evalAudioPath } from '../../support/eval-audio';
import { wavVariants } from '../../support/media';

describe('a WAV already at 16 kHz mono, read in the page without ffmpeg.wasm', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'koe-page-wav-'));
	const asFile = (file: string) => new File([readFileSync(file)], path.basename(file));
	const bytesOf = (samples: Float32Array) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);

	it("gives ffmpeg's samples for any range, and leaves every other file to ffmpeg.wasm", async () => {
		const { direct, throughFfmpeg } = wavVariants(await evalAudioPath('en_jfk.wav'), dir);
		const others = { ...throughFfmpeg, stereo: await evalAudioPath('en_stereo_two_speakers.wav'), mp3: await evalAudioPath('en_jfk.mp3') };
		for (const [name, file] of Object.entries(others)) expect(await openSpeechWav(asFile(file)), name).toBeNull();
		for (const [name, file] of Object.entries(direct)) {
			const reader = (await openSpeechWav(asFile(file)))!;
			const whole = await decodeWithFfmpeg(file);
			expect(reader.length, name).toBe(whole.length);
			// The engine's reads: the start, a window inside, one running past the end, one wholly past it.
			for (const [start, count] of [
				[0, reader.length],
				[0, 16_000],
				[56_000, 32_000],
				[reader.length - 1000, 480_000],
				[reader.length + 10, 100]
			] as const) {
				const expected = whole.subarray(Math.min(start, whole.length), Math.min(start + count, whole.length));
				expect(bytesOf(await reader.read(start, count)).equals(bytesOf(expected)), `${name} from ${start}`).toBe(true);
			}
			await reader.close();
		}
	}, 60_000);
});
