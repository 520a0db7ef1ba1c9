/**
 * @file Any audio or video file to 16 kHz mono Float32 samples, with ffmpeg compiled to WASM,
 * read lazily in chunks so that an hour of media never sits in memory as one array: the file is
 * mounted read-only (WORKERFS: no copy into ffmpeg's memory) and decoded a few minutes at a time.
 * The ffmpeg core is bundled and served from our own origin (no CDN), so it works offline.
 */
import { FFmpeg, type FFFSType } from '@ffmpeg/ffmpeg';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { SAMPLE_RATE } from '$lib/core/audio';
import { readAcrossChunks } from '$lib/engine/audio-source';
import { MediaError, tooShort } from './failures';
import { openSpeechWav } from './wav-reader';

/** Decoded at a time: 5 minutes is 19 MB of samples, and few seeks on long files. */
const CHUNK_SECONDS = 300;
const CHUNK_SAMPLES = CHUNK_SECONDS * SAMPLE_RATE;
/** Decoded before each chunk after the first and dropped (see chunk()). */
const CHUNK_LEAD_SECONDS = 1;
/**
 * ffmpeg's core, fetched once; each instance compiles it from the HTTP cache. When it cannot
 * start (a download cut short, no network and no cached copy, no memory for its heap), that is
 * said as such: it is not the file's fault, and Emscripten's abort text is no message for a person.
 */
export async function startFfmpeg(): Promise<FFmpeg> {
	const ffmpeg = new FFmpeg();
	try {
		await ffmpeg.load({ coreURL, wasmURL });
	} catch (error) {
		ffmpeg.terminate();
		throw new MediaError('decoder-load', 'Koe’s audio decoder could not be loaded.', { cause: error });
	}
	return ffmpeg;
}

/**
 * One ffmpeg started ahead, once a file is done, so that the next one does not wait for its start
 * (compiling the core from the HTTP cache and starting its worker: about 0.3 s, a fifth of a short
 * clip's whole time in the page). One at most, idle until taken; the first file of a visit still
 * starts its own, so that a visit that needs no ffmpeg (a 16 kHz WAV, or none) never loads it.
 */
let spare: Promise<FFmpeg> | undefined;

function takeFfmpeg(): Promise<FFmpeg> {
	const ready = spare ?? startFfmpeg();
	spare = undefined;
	return ready;
}

function startSpare(): void {
	if (spare) return;
	const starting = startFfmpeg();
	// One that could not start is dropped: the next file starts its own and reports why.
	starting.catch(() => {
		if (spare === starting) spare = undefined;
	});
	spare = starting;
}

/** An ffmpeg instance with the file mounted read-only. */
interface Mounted {
	ffmpeg: FFmpeg;
	/** The file's path inside ffmpeg. */
	input: string;
}

/** An opened media file: its length, and samples on demand. */
export interface MediaReader {
	/** Samples in the whole file, as the container states its duration. */
	readonly length: number;
	/** `count` samples from `start`; fewer at the end. */
	read(start: number, count: number): Promise<Float32Array>;
	close(): Promise<void>;
}

/** Opens a media file; throws MediaError when it is empty, unreadable or has no sound. */
export async function openMedia(file: File): Promise<MediaReader> {
	if (file.size === 0) {
		throw new MediaError('empty', 'This file is empty. Choose an audio or video file that has sound in it.');
	}
	const wav = await openSpeechWav(file);
	if (wav) {
		const short = tooShort(wav.length / SAMPLE_RATE);
		if (short) throw short;
		return wav;
	}
	// A fixed name keeps odd characters (":" reads as a protocol to ffmpeg) out of its parser;
	// a File made from a File shares its bytes, nothing is copied.
	const name = `input${extensionOf(file.name)}`;
	const mount = async (): Promise<Mounted> => {
		const ffmpeg = await takeFfmpeg();
		await ffmpeg.createDir('/media');
		// The enum exists only in ffmpeg's ESM build; the server render loads another, so use its value.
		await ffmpeg.mount('WORKERFS' as FFFSType, { files: [new File([file], name)] }, '/media');
		return { ffmpeg, input: `/media/${name}` };
	};

	// ffmpeg.wasm's heap only grows and each run leaves part of it behind (about 15 MB a
	// 5-minute chunk), so every chunk gets a fresh instance, for about 0.3 s of start-up each:
	// decoding a 60-minute file alone peaked at 410 MB instead of 472 MB (10 minutes: 310 MB).
	let current: Promise<Mounted> | undefined;
	const stop = async () => {
		const done = current;
		current = undefined;
		if (done) (await done.catch(() => undefined))?.ffmpeg.terminate();
	};
	const fresh = async (): Promise<Mounted> => {
		await stop();
		current = mount();
		return current;
	};

	const cache = new Map<number, Promise<Float32Array>>();
	let queue: Promise<unknown> = Promise.resolve();
	const chunk = (index: number): Promise<Float32Array> => {
		let decoded = cache.get(index);
		if (!decoded) {
			// One decode at a time: each one replaces the instance the last one used.
			decoded = queue.then(async () => {
				const { ffmpeg, input } = index === 0 && current ? await current : await fresh();
				// From a second early, dropped: a lossy decoder seeked to the chunk's start lacks the state
				// it had there in one pass (the server does the same, src/lib/server/media.ts).
				const lead = index === 0 ? 0 : CHUNK_LEAD_SECONDS;
				const samples = await decodeRange(ffmpeg, input, index * CHUNK_SECONDS - lead, CHUNK_SECONDS + lead);
				return samples.subarray(Math.min(samples.length, lead * SAMPLE_RATE));
			});
			queue = decoded.catch(() => undefined);
			cache.set(index, decoded);
			// The seek loop only moves forward: keep this chunk and the one before it.
			for (const key of cache.keys()) if (key < index - 1) cache.delete(key);
		}
		return decoded;
	};
	const close = async () => {
		cache.clear();
		await queue;
		await stop();
		startSpare();
	};

	current = mount();
	try {
		const first = await chunk(0);
		const seconds = first.length < CHUNK_SAMPLES ? first.length / SAMPLE_RATE : await probeDuration(await (current ?? fresh()));
		const length = Math.max(first.length, Math.round(seconds * SAMPLE_RATE));
		const short = tooShort(length / SAMPLE_RATE);
		if (short) throw short;
		return {
			length,
			read: (start, count) => readAcrossChunks(start, count, length, CHUNK_SAMPLES, chunk),
			close
		};
	} catch (error) {
		await close();
		throw error;
	}
}

/** Decodes `seconds` of audio from `startSeconds`; an empty array past the end. */
async function decodeRange(ffmpeg: FFmpeg, input: string, startSeconds: number, seconds: number): Promise<Float32Array> {
	const output = `/chunk-${startSeconds}.f32`;
	const log: string[] = [];
	const onLog = ({ message }: { message: string }) => log.push(message);
	ffmpeg.on('log', onLog);
	try {
		const code = await ffmpeg.exec([
			'-nostdin',
			'-ss',
			String(startSeconds),
			'-t',
			String(seconds),
			'-i',
			input,
			'-vn',
			'-ac',
			'1',
			'-ar',
			String(SAMPLE_RATE),
			'-f',
			'f32le',
			output
		]);
		const data = code === 0 ? await ffmpeg.readFile(output).catch(() => null) : null;
		// Copy into a buffer of our own: ffmpeg's may be a view into its heap.
		const samples =
			data && typeof data !== 'string'
				? new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength - (data.byteLength % 4)))
				: null;
		// ffmpeg.wasm may exit 0 on a damaged file yet write nothing: the first chunk must have sound.
		if (!samples || (startSeconds === 0 && samples.length === 0)) throw failureFromLog(log);
		return samples; // empty past the end of the audio
	} finally {
		ffmpeg.off('log', onLog);
		await ffmpeg.deleteFile(output).catch(() => {});
	}
}

/** The container's duration in seconds (ffprobe), for files longer than one chunk. */
async function probeDuration({ ffmpeg, input }: Mounted): Promise<number> {
	const output = '/duration.txt';
	try {
		await ffmpeg.ffprobe([
			'-v',
			'error',
			'-show_entries',
			'format=duration',
			'-of',
			'default=noprint_wrappers=1:nokey=1',
			input,
			'-o',
			output
		]);
		const text = await ffmpeg.readFile(output, 'utf8');
		const seconds = Number(String(text).trim());
		if (!(seconds > 0)) throw new MediaError('unreadable', 'Koe could not tell how long this file is.');
		return seconds;
	} finally {
		await ffmpeg.deleteFile(output).catch(() => {});
	}
}

export function extensionOf(name: string | undefined): string {
	const match = /\.[a-z0-9]{1,8}$/i.exec(name ?? '');
	return match ? match[0].toLowerCase() : '';
}

/** ffmpeg's demuxers for still pictures: a PNG or JPEG opens fine, as a video stream of one frame. */
const PICTURE_INPUT = /^Input #0, (image2|[a-z0-9]+_pipe|gif|apng)\b/m;

/** Turns ffmpeg's log into an error a person understands. */
function failureFromLog(log: string[]): MediaError {
	const text = log.join('\n');
	if (/does not contain any stream|Output file #0 does not contain|matches no streams/i.test(text)) {
		if (PICTURE_INPUT.test(text)) return new MediaError('image', 'This file is a picture, not audio or video.');
		return new MediaError('no-audio', 'This file has no audio track that Koe could read.');
	}
	return new MediaError(
		'unreadable',
		'Koe could not read this file as audio or video. It may be damaged, or in a format ffmpeg does not know.'
	);
}
