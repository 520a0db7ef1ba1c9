/**
 * @file 16-bit PCM read without ffmpeg: the API's headerless `encode=false` bodies, and WAV files
 * that are already what the engine takes (core/wav.ts), read from disk.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { SAMPLE_RATE } from '../core/audio';
import { int16ToSamples, speechWavData, wavLayout, WAV_HEADER_BYTES, type SpeechWavData } from '../core/wav';
import { apiError } from './errors';

/** Little-endian int16 mono → [-1, 1) floats; a RIFF/WAVE header's chunks are skipped. */
export function pcmToSamples(bytes: Uint8Array): Float32Array {
	const start = wavLayout(bytes)?.dataOffset ?? 0;
	const length = bytes.length - start;
	if (length % 2 !== 0) throw apiError('odd_pcm_length');
	return int16ToSamples(bytes.subarray(start));
}

/** Where a 16 kHz mono 16-bit PCM WAV file's samples are; null for any other file (see readSpeechWav). */
async function speechWavAt(file: FileHandle): Promise<SpeechWavData | null> {
	const { size } = await file.stat();
	const head = new Uint8Array(Math.min(size, WAV_HEADER_BYTES));
	await file.read(head, 0, head.length, 0);
	return speechWavData(head, size);
}

/** `read` on a WAV file already in the engine's format; null for any other file, and one that cannot be opened (ffmpeg's to report). */
async function withSpeechWav<T>(filePath: string, read: (file: FileHandle, data: SpeechWavData) => Promise<T>): Promise<T | null> {
	const file = await open(filePath, 'r').catch(() => null);
	if (!file) return null;
	try {
		const data = await speechWavAt(file);
		return data ? await read(file, data) : null;
	} finally {
		await file.close();
	}
}

/**
 * The samples of a 16 kHz mono 16-bit PCM WAV file from `startSeconds`, `maxSeconds` of them (all
 * when absent), as ffmpeg gives them; null for any other file, or a WAV whose sizes disagree with
 * the file (damaged, or streamed), which ffmpeg decodes instead.
 */
export function readSpeechWav(filePath: string, startSeconds = 0, maxSeconds?: number): Promise<Float32Array | null> {
	return withSpeechWav(filePath, async (file, { offset, length }) => {
		const first = Math.min(length, Math.round(startSeconds * SAMPLE_RATE));
		const count = Math.min(length - first, maxSeconds === undefined ? Infinity : Math.round(maxSeconds * SAMPLE_RATE));
		const bytes = new Uint8Array(2 * count);
		await file.read(bytes, 0, bytes.length, offset + 2 * first);
		return int16ToSamples(bytes);
	});
}

/** How many samples such a WAV file holds, from its header (null for any other file). */
export function speechWavLength(filePath: string): Promise<number | null> {
	return withSpeechWav(filePath, async (_file, { length }) => length);
}
