/**
 * @file WAV files that are already what Whisper hears (16 kHz, mono, 16-bit PCM: what speech tools
 * record and scripts send) read without a decoder, in the page and on the server. ffmpeg gives
 * exactly these samples for them (each 16-bit value over 32768, no resampling), and starting it
 * costs more than reading them: 72 ms a clip on the server, about 0.3 s for ffmpeg.wasm in a tab.
 */
import { SAMPLE_RATE } from './audio';

/** Header bytes read to find the samples (fmt, LIST tags, …): a file needing more goes to ffmpeg. */
export const WAV_HEADER_BYTES = 64 * 1024;
const PCM_TAG = 1;

interface WavLayout {
	/** The `fmt ` chunk's format tag, channels, rate and bits, when it comes before the data. */
	format: { tag: number; channels: number; rate: number; bits: number } | null;
	dataOffset: number;
	/** The data chunk's stated size (streamed WAVs state 0 or 0xFFFFFFFF). */
	dataSize: number;
}

/** Where a RIFF/WAVE file's samples start and what they are; null when the bytes are not one. */
export function wavLayout(bytes: Uint8Array): WavLayout | null {
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

/** Where the samples of a file are, in bytes from its start, and how many there are. */
export interface SpeechWavData {
	offset: number;
	length: number;
}

/**
 * The samples of a 16 kHz mono 16-bit PCM WAV file, from its first bytes (`head`, up to
 * WAV_HEADER_BYTES) and its size; null for any other file, and for a WAV whose sizes disagree
 * with the file (cut short, or streamed with no size), which ffmpeg decodes instead.
 */
export function speechWavData(head: Uint8Array, fileSize: number): SpeechWavData | null {
	const layout = wavLayout(head);
	const format = layout?.format;
	if (!layout || !format || format.tag !== PCM_TAG || format.channels !== 1 || format.rate !== SAMPLE_RATE || format.bits !== 16)
		return null;
	if (layout.dataOffset >= head.length || layout.dataSize === 0 || layout.dataOffset + layout.dataSize > fileSize) return null;
	return { offset: layout.dataOffset, length: Math.floor(layout.dataSize / 2) };
}

/** Little-endian int16 → [-1, 1) floats, as ffmpeg converts them. */
export function int16ToSamples(bytes: Uint8Array): Float32Array {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const samples = new Float32Array(Math.floor(bytes.byteLength / 2));
	for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
	return samples;
}
