/**
 * @file A WAV file already in Whisper's format (16 kHz mono 16-bit, core/wav.ts) read straight
 * from the File: ffmpeg.wasm, about 0.3 s to start for each file, is not needed for it.
 */
import { int16ToSamples, speechWavData, WAV_HEADER_BYTES } from '$lib/core/wav';
import type { MediaReader } from './decode';

/** The file's samples read on demand, as ffmpeg would give them; null for any other file. */
export async function openSpeechWav(file: Blob): Promise<MediaReader | null> {
	const head = new Uint8Array(await file.slice(0, WAV_HEADER_BYTES).arrayBuffer());
	const data = speechWavData(head, file.size);
	if (!data) return null;
	const { offset, length } = data;
	return {
		length,
		async read(start, count) {
			const first = Math.min(length, Math.max(0, start));
			const end = Math.min(length, first + Math.max(0, count));
			return int16ToSamples(new Uint8Array(await file.slice(offset + 2 * first, offset + 2 * end).arrayBuffer()));
		},
		async close() {}
	};
}
