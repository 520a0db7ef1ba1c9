/**
 * @file 16-bit PCM read without ffmpeg: the API's headerless `encode=false` bodies, and WAV files
 * that are already what the engine takes (16 kHz, mono, 16-bit PCM: what speech tools record and
 * scripts send). For those, starting an ffmpeg process costs more than the decoding (about 60 ms
 * of a short clip's 0.5 s here), and its samples are these: each 16-bit value over 32768.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { SAMPLE_RATE } from '../core/audio';
import { apiError } from './errors';

/** Little-endian int16 mono → [-1, 1) floats; a RIFF/WAVE header's chunks are skipped. */
export function pcmToSamples(bytes: Uint8Array): Float32Array {
	const start = wavLayout(bytes)?.dataOffset ?? 0;
	const length = bytes.length - start;
	if (length % 2 !== 0) throw apiError('odd_pcm_length');
	return int16ToSamples(bytes.subarray(start));
}

function int16ToSamples(bytes: Uint8Array): Float32Array {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const samples = new Float32Array(Math.floor(bytes.byteLength / 2));
	for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
	return samples;
}

interface WavLayout {
	/** The `fmt ` chunk's format tag, channels, rate and bits, when it comes before the data. */
	format: { tag: number; channels: number; rate: number; bits: number } | null;
	dataOffset: number;
	/** The data chunk's stated size (streamed WAVs state 0 or 0xFFFFFFFF). */
	dataSize: number;
}

/** Where a RIFF/WAVE file's samples start and what they are; null when the bytes are not one. */
function wavLayout(bytes: Uint8Array): WavLayout | null {
	const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
	if (bytes.length < 12 || ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') return null;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let format: WavLayout['format'] = null;
	for (let at = 12; at + 8 <= bytes.length;) {
		const size = view.getUint32(at + 4, true);
		if (ascii(at) === 'data') return { format, dataOffset: at + 8, dataSize: size };
		if (ascii(at) === 'fmt ' && size >= 16 && at + 24 <= bytes.length) {
			format = {
				tag: view.getUint16(at + 8, true),
				channels: view.getUint16(at + 10, true),
				rate: view.getUint32(at + 12, true),
				bits: view.getUint16(at + 22, true)
			};
		}
		at += 8 + size + (size % 2);
	}
	return { format, dataOffset: bytes.length, dataSize: 0 };
}

/** Header chunks (fmt, LIST tags, …) read to find the data: more is left to ffmpeg. */
const HEADER_BYTES = 64 * 1024;
const PCM_TAG = 1;

/** Where a 16 kHz mono 16-bit PCM WAV file's samples are; null for any other file (see readSpeechWav). */
async function speechWavData(file: FileHandle): Promise<{ offset: number; length: number } | null> {
	const { size } = await file.stat();
	const head = new Uint8Array(Math.min(size, HEADER_BYTES));
	await file.read(head, 0, head.length, 0);
	const layout = wavLayout(head);
	const format = layout?.format;
	if (!layout || !format || format.tag !== PCM_TAG || format.channels !== 1 || format.rate !== SAMPLE_RATE || format.bits !== 16)
		return null;
	if (layout.dataOffset >= head.length || layout.dataSize === 0 || layout.dataOffset + layout.dataSize > size) return null;
	return { offset: layout.dataOffset, length: Math.floor(layout.dataSize / 2) };
}

/** `read` on a WAV file already in the engine's format; null for any other file, and one that cannot be opened (ffmpeg's to report). */
async function withSpeechWav<T>(
	filePath: string,
	read: (file: FileHandle, data: { offset: number; length: number }) => Promise<T>
): Promise<T | null> {
	const file = await open(filePath, 'r').catch(() => null);
	if (!file) return null;
	try {
		const data = await speechWavData(file);
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
