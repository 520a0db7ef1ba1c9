import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	allowedDemuxers,
	CHUNK_SECONDS,
	decodeFile,
	decodeWithFfmpeg,
	ffmpegReason,
	openMediaFile,
	readAudio,
	UndecodableMediaError
} from '$lib/server/media';
import { readSpeechWav, speechWavLength } from '$lib/server/wav';
import { evalAudioPath } from '../../support/eval-audio';
import { ffmpeg, wavVariants } from '../../support/media';

// The two layouts of `ffmpeg -demuxers`: Debian's ffmpeg 5.1 and the image's static 7.0.
const LISTING_5 = `File formats:
 D. = Demuxing supported
 .E = Muxing supported
 --
 D  3dostr          3DO STR
 D  concat          Virtual concatenation script
 D  hls             Apple HTTP Live Streaming
 D  matroska,webm   Matroska / WebM
 D  mov,mp4,m4a,3gp,3g2,mj2 QuickTime / MOV
 D  wav             WAV / WAVE (Waveform Audio)
`;
const LISTING_7 = `Formats:
 D.. = Demuxing supported
 .E. = Muxing supported
 ..d = Is a device
 ---
 D   3dostr          3DO STR
 D d alsa            ALSA audio input
 D   dash            Dynamic Adaptive Streaming over HTTP
 D   mp3             MP2/3 (MPEG audio layer 2/3)
 D   sdp             SDP
`;

describe('the demuxer whitelist', () => {
	it('keeps every demuxer of the listing but those that open what a file names', () => {
		expect(allowedDemuxers(LISTING_5)).toBe('3dostr,matroska,webm,mov,mp4,m4a,3gp,3g2,mj2,wav');
		expect(allowedDemuxers(LISTING_7)).toBe('3dostr,alsa,mp3');
	});

	it('is null for a listing it cannot read, so that decoding still works', () => {
		expect(allowedDemuxers('')).toBeNull();
		expect(allowedDemuxers('ffmpeg: unrecognized option')).toBeNull();
	});
});

describe("ffmpeg's reason", () => {
	it("is its last line, without the upload's path", () => {
		const file = '/data/uploads/3f1c';
		expect(ffmpegReason(`[mp3 @ 0x1] Header missing\n${file}: Invalid data found when processing input\n`, file)).toBe(
			'Invalid data found when processing input'
		);
		expect(ffmpegReason(`Error opening input ${file}\n`, file)).toBe('Error opening input the file');
		expect(ffmpegReason('', file)).toBe('no details');
	});
});

describe('decoding bad files', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'koe-media-'));
	const file = (name: string, content: string | Uint8Array) => {
		const target = path.join(dir, name);
		writeFileSync(target, content);
		return target;
	};

	it('tells a file that is not media from media without an audio track, and strips the path', async () => {
		const text = file('notes.mp3', 'meeting notes, not audio\n');
		const error = await decodeFile(text).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UndecodableMediaError);
		expect(error).toMatchObject({ kind: 'unreadable' });
		expect((error as UndecodableMediaError).reason).not.toContain(dir);

		const picture = path.join(dir, 'picture.png');
		ffmpeg('-f', 'lavfi', '-i', 'color=c=red:s=16x16', '-frames:v', '1', picture);
		await expect(decodeFile(picture)).rejects.toMatchObject({ kind: 'no_audio_track' });
		await expect(readAudio(picture, true)).rejects.toMatchObject({ code: 'no_audio_track', status: 415 });
		await expect(readAudio(text, true)).rejects.toMatchObject({ code: 'unsupported_media', status: 415 });
	});

	it('never decodes a file that an uploaded playlist names', async () => {
		const jfk = await evalAudioPath('en_jfk.mp3');
		const playlist = file('list', `#EXTM3U\n#EXT-X-TARGETDURATION:12\n#EXTINF:12,\n${jfk}\n#EXT-X-ENDLIST\n`);
		await expect(decodeFile(playlist)).rejects.toMatchObject({ kind: 'unreadable' });
		// A concat script may name files beside it (its safe mode refuses absolute paths only).
		file('talk.mp3', readFileSync(jfk));
		const script = file('script', "ffconcat version 1.0\nfile 'talk.mp3'\n");
		await expect(decodeFile(script)).rejects.toMatchObject({ kind: 'unreadable' });
		// The same file sent itself decodes.
		expect((await decodeFile(jfk)).length).toBeGreaterThan(16000 * 10);
	});

	it('rejects with the reason of an aborted job', async () => {
		const controller = new AbortController();
		const reason = new Error('shutting down');
		controller.abort(reason);
		await expect(decodeFile(await evalAudioPath('en_jfk.wav'), { signal: controller.signal })).rejects.toBe(reason);
	});
});

/** JFK looped past one 5-minute chunk (6 min), in the given container, in `dir`. */
async function longFile(dir: string, extension: string): Promise<string> {
	const file = path.join(dir, `long.${extension}`);
	ffmpeg('-stream_loop', '33', '-i', await evalAudioPath('en_jfk.wav'), file);
	return file;
}

describe('long media read in chunks', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'koe-chunks-'));
	const largestDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);

	it('gives the samples a whole decode gives, across the chunk seam, for lossless and lossy codecs', async () => {
		for (const [extension, tolerance] of [
			['wav', 0],
			['mp3', 0],
			['opus', 0],
			// AAC differs by under 0.001 at one spot inside the second chunk (not at the seam).
			['m4a', 1e-3]
		] as const) {
			const file = await longFile(dir, extension);
			const whole = await decodeFile(file);
			const media = await openMediaFile(file);
			expect(media.length, extension).toBe(whole.length);
			expect(media.length).toBeGreaterThan(CHUNK_SECONDS * 16000);
			const seam = CHUNK_SECONDS * 16000;
			// Reads as the engine makes them: a window across the seam, then the rest.
			const across = await media.getSamples(seam - 8000, 16000);
			expect(largestDifference(across, whole.subarray(seam - 8000, seam + 8000)), extension).toBeLessThanOrEqual(tolerance);
			expect(largestDifference(await media.getSamples(0, media.length), whole), extension).toBeLessThanOrEqual(tolerance);
			media.close();
		}
	}, 120_000);

	it("refuses what is not media with the API's error, before any window is read", async () => {
		const text = path.join(dir, 'notes.mp3');
		writeFileSync(text, 'not audio\n');
		await expect(openMediaFile(text)).rejects.toMatchObject({ code: 'unsupported_media', status: 415 });
	});
});

describe('WAV already at 16 kHz mono, read without ffmpeg', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'koe-wav-'));
	const bytesOf = (samples: Float32Array) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);

	it("gives ffmpeg's samples, whole and from any point, and leaves every other WAV to ffmpeg", async () => {
		const variants = wavVariants(await evalAudioPath('en_jfk.wav'), dir);
		// Past one 5-minute chunk, read as openMediaFile reads its second chunk.
		const direct = { ...variants.direct, long: await longFile(dir, 'wav') };
		const throughFfmpeg = { ...variants.throughFfmpeg, stereo: await evalAudioPath('en_stereo_two_speakers.wav') };
		for (const [name, file] of Object.entries(direct)) expect(await readSpeechWav(file), name).not.toBeNull();
		for (const [name, file] of Object.entries(throughFfmpeg)) expect(await readSpeechWav(file), name).toBeNull();
		// A long one is counted from its header, not decoded through a second time.
		expect(await speechWavLength(direct.long)).toBe((await decodeWithFfmpeg(direct.long)).length);
		expect(await speechWavLength(throughFfmpeg.cd)).toBeNull();
		// A file that is not there is ffmpeg's to report, as before.
		expect(await readSpeechWav(path.join(dir, 'absent.wav'))).toBeNull();
		const ranges = [
			{},
			{ maxSeconds: 30 },
			{ startSeconds: 3.5, maxSeconds: 2 },
			{ startSeconds: 299, maxSeconds: 301 },
			{ startSeconds: 900 }
		];
		for (const [name, file] of Object.entries({ ...direct, ...throughFfmpeg })) {
			for (const range of ranges) {
				const ours = await decodeFile(file, range);
				const ffmpegs = await decodeWithFfmpeg(file, range);
				expect(ours.length, `${name} ${JSON.stringify(range)}`).toBe(ffmpegs.length);
				expect(bytesOf(ours).equals(bytesOf(ffmpegs)), `${name} ${JSON.stringify(range)}`).toBe(true);
			}
		}
	}, 120_000);
});
