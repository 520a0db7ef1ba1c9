/**
 * @file Media to 16 kHz mono Float32 samples with the system's ffmpeg, on the server and in
 * Node scripts. The browser does the same with ffmpeg.wasm (src/lib/browser/decode.ts).
 */
import { spawn } from 'node:child_process';
import { SAMPLE_RATE } from '../core/audio';

export class FfmpegMissingError extends Error {
	constructor() {
		super('ffmpeg was not found on PATH. Install it (Debian/Ubuntu: apt-get install ffmpeg) and start again.');
		this.name = 'FfmpegMissingError';
	}
}

/**
 * Decodes a media file (its first `maxSeconds` only, when given); rejects with ffmpeg's own
 * last words when it cannot.
 */
export function decodeFile(filePath: string, { maxSeconds }: { maxSeconds?: number } = {}): Promise<Float32Array> {
	const limit = maxSeconds === undefined ? [] : ['-t', String(maxSeconds)];
	const args = ['-nostdin', '-v', 'error', '-i', filePath, ...limit, '-vn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', '-'];
	return new Promise((resolve, reject) => {
		const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		const chunks: Buffer[] = [];
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new FfmpegMissingError() : error));
		child.on('close', (code) => {
			if (code !== 0) return reject(new Error(`ffmpeg could not decode ${filePath}: ${stderr.trim().split('\n').pop()}`));
			const bytes = Buffer.concat(chunks);
			// Copy into an aligned buffer of our own: Buffer pools may start at odd offsets.
			resolve(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4))));
		});
	});
}
