/**
 * @file Any audio or video file to 16 kHz mono Float32 samples, with ffmpeg compiled to WASM.
 * The ffmpeg core is bundled and served from our own origin (no CDN), so it works offline.
 */
import { FFmpeg } from '@ffmpeg/ffmpeg';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { SAMPLE_RATE } from '$lib/core/audio';
import { MediaError } from './errors';

let ffmpegReady: Promise<FFmpeg> | undefined;

function loadFfmpeg(): Promise<FFmpeg> {
	ffmpegReady ??= (async () => {
		const ffmpeg = new FFmpeg();
		await ffmpeg.load({ coreURL, wasmURL });
		return ffmpeg;
	})().catch((error: unknown) => {
		ffmpegReady = undefined; // let the next file try again
		throw error;
	});
	return ffmpegReady;
}

/** Decodes a media file to 16 kHz mono samples; throws MediaError when it holds no audio. */
export async function decodeToPcm(file: Blob & { name?: string }): Promise<Float32Array> {
	if (file.size === 0) {
		throw new MediaError('empty', 'This file is empty. Choose an audio or video file that has sound in it.');
	}
	const ffmpeg = await loadFfmpeg();
	// A fixed input name keeps odd characters in user file names away from ffmpeg's parser.
	const input = `input${extensionOf(file.name)}`;
	const output = 'output.f32';
	const log: string[] = [];
	const onLog = ({ message }: { message: string }) => log.push(message);
	ffmpeg.on('log', onLog);
	try {
		await ffmpeg.writeFile(input, new Uint8Array(await file.arrayBuffer()));
		const code = await ffmpeg.exec(['-nostdin', '-i', input, '-vn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', output]);
		// ffmpeg.wasm may exit 0 on a damaged file yet write nothing: judge by the output too.
		const data = code === 0 ? await ffmpeg.readFile(output).catch(() => null) : null;
		if (!data || typeof data === 'string' || data.byteLength < 4) {
			throw failureFromLog(log);
		}
		// Copy into a fresh, aligned buffer that we own (ffmpeg's may be a view into its heap).
		return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength - (data.byteLength % 4)));
	} finally {
		ffmpeg.off('log', onLog);
		await Promise.allSettled([ffmpeg.deleteFile(input), ffmpeg.deleteFile(output)]);
	}
}

function extensionOf(name: string | undefined): string {
	const match = /\.[a-z0-9]{1,8}$/i.exec(name ?? '');
	return match ? match[0].toLowerCase() : '';
}

/** Turns ffmpeg's log into an error a person understands. */
function failureFromLog(log: string[]): MediaError {
	const text = log.join('\n');
	if (/does not contain any stream|Output file #0 does not contain|matches no streams/i.test(text)) {
		return new MediaError('no-audio', 'This file has no audio track that Koe could read.');
	}
	return new MediaError(
		'unreadable',
		'Koe could not read this file as audio or video. It may be damaged, or in a format ffmpeg does not know.'
	);
}
