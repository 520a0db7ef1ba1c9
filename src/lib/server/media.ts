/**
 * @file Media to 16 kHz mono Float32 samples on the server and in Node scripts: through the
 * system's ffmpeg, or read as 16-bit PCM where it already is (wav.ts: the API's `encode=false`,
 * what Bazarr sends, and WAV files at 16 kHz mono). The browser does the same with ffmpeg.wasm
 * (src/lib/browser/decode.ts). ffmpeg opens the upload and nothing else: no URL, and no demuxer
 * that reads the files a playlist inside the upload names.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { SAMPLE_RATE } from '../core/audio';
import { readAcrossChunks, type AudioSource } from '../engine/audio-source';
import { apiError } from './errors';
import { pcmToSamples, readSpeechWav, speechWavLength } from './wav';

export class FfmpegMissingError extends Error {
	constructor() {
		super('ffmpeg was not found on PATH. Install it (Debian/Ubuntu: apt-get install ffmpeg) and start again.');
		this.name = 'FfmpegMissingError';
	}
}

/**
 * ffmpeg could not make samples of the file: `no_audio_track` when it opened the file and found
 * streams but none of audio (a silent video, a picture), `unreadable` otherwise (not media, or
 * damaged). `reason` is ffmpeg's own last words, without the file's path.
 */
export class UndecodableMediaError extends Error {
	constructor(
		readonly kind: 'unreadable' | 'no_audio_track',
		readonly reason: string
	) {
		super(`ffmpeg could not decode the file (${kind}): ${reason}`);
		this.name = 'UndecodableMediaError';
	}
}

/**
 * Demuxers that open what the upload names (other files, sockets): an HLS or DASH playlist, a
 * concat script, an IMF composition, an SDP session, scripting front-ends. ffmpeg probes the
 * first ones from the content alone, so an upload of a playlist naming a server's file
 * (`/srv/talk.mp3`) would be decoded as that file.
 */
export const REFERENCING_DEMUXERS: ReadonlySet<string> = new Set([
	'hls',
	'dash',
	'concat',
	'imf',
	'sdp',
	'rtp',
	'rtsp',
	'avisynth',
	'vapoursynth'
]);

/**
 * Every demuxer in `ffmpeg -demuxers`'s listing but the referencing ones, as `-format_whitelist`
 * takes them; null when the listing has none (an unknown layout: the whitelist is then left off,
 * rather than refusing every file). Lines look like ` D  wav   WAV / WAVE` (ffmpeg 5) or
 * ` D d alsa  ALSA audio input` (7, with a device column); a name may itself be a comma list.
 */
export function allowedDemuxers(listing: string): string | null {
	const names: string[] = [];
	const lines = listing.split('\n');
	const table = lines.findIndex((line) => /^\s*-{2,}\s*$/.test(line));
	for (const line of lines.slice(table + 1)) {
		const match = /^ D[E ][d ]? ?(\S+)/.exec(line);
		if (!match) continue;
		const name = match[1]!;
		if (name.split(',').some((part) => REFERENCING_DEMUXERS.has(part))) continue;
		names.push(name);
	}
	return table >= 0 && names.length > 0 ? names.join(',') : null;
}

interface FfmpegRun {
	code: number | null;
	stderr: string;
}

/** Runs ffmpeg to its end; stdout goes to `onData`. An abort kills it and rejects with the reason. */
function runFfmpeg(
	args: string[],
	{ onData, signal }: { onData?: (chunk: Buffer) => void; signal?: AbortSignal } = {}
): Promise<FfmpegRun> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const child = spawn('ffmpeg', ['-nostdin', '-hide_banner', ...args], { stdio: ['ignore', onData ? 'pipe' : 'ignore', 'pipe'] });
		let stderr = '';
		const abort = () => {
			child.kill('SIGKILL');
			reject(signal!.reason);
		};
		signal?.addEventListener('abort', abort, { once: true });
		if (onData) child.stdout!.on('data', onData);
		child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', (error: NodeJS.ErrnoException) => {
			signal?.removeEventListener('abort', abort);
			reject(error.code === 'ENOENT' ? new FfmpegMissingError() : error);
		});
		child.on('close', (code) => {
			signal?.removeEventListener('abort', abort);
			resolve({ code, stderr });
		});
	});
}

let demuxers: Promise<string | null> | undefined;

/** The whitelist of this ffmpeg's demuxers, asked once per process. */
function demuxerWhitelist(): Promise<string | null> {
	demuxers ??= new Promise<string | null>((resolve, reject) => {
		const chunks: Buffer[] = [];
		runFfmpeg(['-demuxers'], { onData: (chunk) => chunks.push(chunk) }).then(({ code }) => {
			const allowed = code === 0 ? allowedDemuxers(Buffer.concat(chunks).toString()) : null;
			if (!allowed) console.error('Koe: could not read `ffmpeg -demuxers`; uploads are decoded without a demuxer whitelist.');
			resolve(allowed);
		}, reject);
	}).catch((error: unknown) => {
		demuxers = undefined; // ffmpeg missing: ask again once it is there
		throw error;
	});
	return demuxers;
}

/** The arguments that open a file as ffmpeg's input: a local file only, by a demuxer that follows no reference. */
async function inputArgs(filePath: string): Promise<string[]> {
	const allowed = await demuxerWhitelist();
	return ['-protocol_whitelist', 'file', ...(allowed ? ['-format_whitelist', allowed] : []), '-i', filePath];
}

/** ffmpeg's last line, without the file's path (the server's folders are not the caller's business). */
export function ffmpegReason(stderr: string, filePath: string): string {
	const last = stderr.trim().split('\n').pop()?.trim() || 'no details';
	return last.replaceAll(`${filePath}: `, '').replaceAll(filePath, 'the file');
}

/**
 * Why a file failed to decode, from ffmpeg's exit codes alone (its wording changes between
 * versions): copying its first audio stream works when there is one, copying any stream when
 * the file opens at all.
 */
async function failureKind(input: string[]): Promise<UndecodableMediaError['kind']> {
	const copies = async (map: string) =>
		(await runFfmpeg(['-v', 'quiet', ...input, '-map', map, '-c', 'copy', '-t', '0', '-f', 'null', '-'])).code === 0;
	if (await copies('0:a:0')) return 'unreadable'; // an audio stream that does not decode: damaged
	return (await copies('0')) ? 'no_audio_track' : 'unreadable';
}

/**
 * Decodes a media file: all of it, or `maxSeconds` from `startSeconds`. A WAV already in the
 * engine's format is read as it is (wav.ts); everything else goes through the system's ffmpeg.
 */
export async function decodeFile(
	filePath: string,
	{ startSeconds = 0, maxSeconds, signal }: { startSeconds?: number; maxSeconds?: number; signal?: AbortSignal } = {}
): Promise<Float32Array> {
	signal?.throwIfAborted();
	return (await readSpeechWav(filePath, startSeconds, maxSeconds)) ?? decodeWithFfmpeg(filePath, { startSeconds, maxSeconds, signal });
}

/**
 * decodeFile through ffmpeg, for any file (an input seek: ffmpeg decodes from the packet before
 * `startSeconds` and drops what precedes the point).
 */
export async function decodeWithFfmpeg(
	filePath: string,
	{ startSeconds = 0, maxSeconds, signal }: { startSeconds?: number; maxSeconds?: number; signal?: AbortSignal } = {}
): Promise<Float32Array> {
	const input = await inputArgs(filePath);
	const seek = startSeconds > 0 ? ['-ss', String(startSeconds)] : [];
	const limit = maxSeconds === undefined ? [] : ['-t', String(maxSeconds)];
	const chunks: Buffer[] = [];
	const args = ['-v', 'error', ...seek, ...input, ...limit, '-vn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', '-'];
	const { code, stderr } = await runFfmpeg(args, { onData: (chunk) => chunks.push(chunk), signal });
	if (code !== 0) throw new UndecodableMediaError(await failureKind(input), ffmpegReason(stderr, filePath));
	const bytes = Buffer.concat(chunks);
	chunks.length = 0;
	const length = Math.floor(bytes.byteLength / 4);
	// A large Buffer has its own aligned memory; a small one may sit at an odd offset in a pool.
	if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, length);
	return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + length * 4));
}

/** ffmpeg's failures as the API's coded errors; others as they are. */
function asApiError(error: unknown): unknown {
	if (error instanceof FfmpegMissingError) return apiError('ffmpeg_missing');
	if (error instanceof UndecodableMediaError) {
		return error.kind === 'no_audio_track' ? apiError('no_audio_track') : apiError('unsupported_media', { reason: error.reason });
	}
	return error;
}

/** An upload's samples for the API; with `maxSeconds`, only that much from the start is decoded. */
export async function readAudio(filePath: string, encode: boolean, maxSeconds?: number, signal?: AbortSignal): Promise<Float32Array> {
	if (!encode) {
		const samples = pcmToSamples(await readFile(filePath));
		return maxSeconds === undefined ? samples : samples.subarray(0, maxSeconds * SAMPLE_RATE);
	}
	try {
		return await decodeFile(filePath, { maxSeconds, signal });
	} catch (error) {
		throw asApiError(error);
	}
}

/** Decoded at a time, as the page does (src/lib/browser/decode.ts): 5 minutes is 19 MB of samples. */
export const CHUNK_SECONDS = 300;
const CHUNK_SAMPLES = CHUNK_SECONDS * SAMPLE_RATE;

/** An upload opened for the engine: its length, and samples on demand. */
export interface MediaSource extends AudioSource {
	close(): void;
}

/**
 * Opens a media file to be read window by window, a few minutes decoded at a time, so that a
 * file of hours never sits in memory whole (a 3-hour lecture decoded at once is 690 MB of
 * samples). The engine reads forward; the chunk in use and the one before it are kept. Errors
 * are the API's (an unreadable file, no audio track, no ffmpeg).
 */
export async function openMediaFile(filePath: string, signal?: AbortSignal): Promise<MediaSource> {
	const cache = new Map<number, Promise<Float32Array>>();
	const chunk = (index: number): Promise<Float32Array> => {
		let decoded = cache.get(index);
		if (!decoded) {
			decoded = decodeChunk(filePath, index, signal);
			cache.set(index, decoded);
			for (const key of cache.keys()) if (key < index - 1) cache.delete(key);
		}
		return decoded;
	};
	const first = await chunk(0);
	const length =
		first.length < CHUNK_SAMPLES
			? first.length
			: Math.max(first.length, (await speechWavLength(filePath)) ?? (await sampleCount(filePath, signal)));
	return {
		length,
		getSamples: (start, count) => readAcrossChunks(start, count, length, CHUNK_SAMPLES, chunk),
		close: () => cache.clear()
	};
}

/**
 * Chunk `index`, the same samples a decode of the whole file has there. A lossy decoder (mp3,
 * AAC, Opus) seeked to the chunk's start has not yet the state it had at that point (overlapping
 * transforms, mp3's bit reservoir): its first few milliseconds differed by up to 0.02. So each
 * chunk after the first is decoded from a second earlier, and that second dropped.
 */
async function decodeChunk(filePath: string, index: number, signal?: AbortSignal): Promise<Float32Array> {
	const lead = index === 0 ? 0 : CHUNK_LEAD_SECONDS;
	try {
		const samples = await decodeFile(filePath, { startSeconds: index * CHUNK_SECONDS - lead, maxSeconds: CHUNK_SECONDS + lead, signal });
		return samples.subarray(Math.min(samples.length, lead * SAMPLE_RATE));
	} catch (error) {
		throw asApiError(error);
	}
}
const CHUNK_LEAD_SECONDS = 1;

/**
 * The samples in a long file: decoded through once and counted, not kept. A container's stated
 * duration is not enough: a browser's recording (WebM from MediaRecorder) states none. (A WAV in
 * the engine's format is counted from its header instead: wav.ts.)
 */
async function sampleCount(filePath: string, signal?: AbortSignal): Promise<number> {
	const input = await inputArgs(filePath);
	let bytes = 0;
	const args = ['-v', 'error', ...input, '-vn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', '-'];
	const { code, stderr } = await runFfmpeg(args, { onData: (chunk) => (bytes += chunk.length), signal });
	if (code !== 0) throw asApiError(new UndecodableMediaError(await failureKind(input), ffmpegReason(stderr, filePath)));
	return Math.floor(bytes / 4);
}
