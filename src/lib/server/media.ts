/**
 * @file An uploaded file to 16 kHz mono samples: through the system's ffmpeg (`encode=true`), or
 * read as headerless 16-bit PCM (`encode=false`, what Bazarr sends), skipping a WAV header if
 * one is there.
 */
import { readFile } from 'node:fs/promises';
import { SAMPLE_RATE } from '../core/audio';
import { ApiError } from './api/errors';
import { decodeFile, FfmpegMissingError } from './decode';

/** The upload's samples; with `maxSeconds`, only that much from the start is decoded. */
export async function readAudio(filePath: string, encode: boolean, maxSeconds?: number): Promise<Float32Array> {
	if (!encode) {
		const samples = pcmToSamples(await readFile(filePath));
		return maxSeconds === undefined ? samples : samples.subarray(0, maxSeconds * SAMPLE_RATE);
	}
	try {
		return await decodeFile(filePath, { maxSeconds });
	} catch (error) {
		if (error instanceof FfmpegMissingError) throw error;
		const reason = error instanceof Error ? error.message.replace(/^.*?: /, '') : String(error);
		throw new ApiError(415, `The upload could not be decoded as audio or video (${reason}).`, 'file', 'unsupported_media');
	}
}

/** Little-endian int16 mono → [-1, 1) floats; a RIFF/WAVE header's chunks are skipped. */
export function pcmToSamples(bytes: Uint8Array): Float32Array {
	const start = wavDataOffset(bytes);
	const length = bytes.length - start;
	if (length % 2 !== 0) {
		throw new ApiError(400, 'With encode=false the body must be 16-bit PCM: an even number of bytes.', 'encode');
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset + start, length);
	const samples = new Float32Array(length / 2);
	for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
	return samples;
}

function wavDataOffset(bytes: Uint8Array): number {
	const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
	if (bytes.length < 12 || ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') return 0;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	for (let at = 12; at + 8 <= bytes.length; ) {
		const size = view.getUint32(at + 4, true);
		if (ascii(at) === 'data') return at + 8;
		at += 8 + size + (size % 2);
	}
	return bytes.length;
}
