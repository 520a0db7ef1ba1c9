/**
 * @file The built page's files (build/client), served by `npm start` ahead of SvelteKit's handler.
 *
 * adapter-node serves them with sirv, which lists the folder once at start-up and keeps each
 * file's size: after a redeploy into the same build/ folder it announces the old length for a
 * file that changed (a truncated or stalled download: version.json, the service worker) and
 * opens a file that is gone without listening for the stream's error, which takes the server
 * down. Here every request looks at the disk as it is now, a file that vanishes between the look
 * and the read ends that one response, and a file the start-up listing named that is gone now is
 * a 404 (it never reaches sirv's stale list).
 */
import { createReadStream, readdirSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { lookup as mimeType } from 'mrmime';
import { decodedPath } from './url-path';

/** Precompressed copies the build writes next to each file, best first. */
const ENCODINGS = [
	{ suffix: '.br', name: 'br' },
	{ suffix: '.gz', name: 'gzip' }
] as const;

/** Content-hashed assets never change under their name; everything else is checked each time. */
const IMMUTABLE_PREFIX = '/_app/immutable/';

function listFiles(root: string, folder = root, found = new Set<string>()): Set<string> {
	for (const entry of readdirSync(folder, { withFileTypes: true })) {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) listFiles(root, full, found);
		else found.add('/' + path.relative(root, full).split(path.sep).join('/'));
	}
	return found;
}

async function fileStats(file: string): Promise<Stats | null> {
	try {
		const stats = await stat(file);
		return stats.isFile() ? stats : null;
	} catch {
		return null;
	}
}

export type StaticFiles = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Serves the files under `root`; other paths go to `next`. */
export function staticFiles(root: string): StaticFiles {
	const base = path.resolve(root);
	const atStart = listFiles(base);

	async function serve(req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> {
		if (req.method !== 'GET' && req.method !== 'HEAD') return next();
		const pathname = decodedPath(new URL(req.url ?? '/', 'http://localhost').pathname);
		if (pathname === null) return next(); // SvelteKit's handler answers it (the API in its error shape)
		const file = path.join(base, pathname);
		if (!file.startsWith(base + path.sep)) return next();
		const original = await fileStats(file);
		if (!original) {
			// Named at start-up, so sirv would still try to send it: answer here.
			if (atStart.has(pathname)) return notFound(res);
			return next();
		}

		const accepted = String(req.headers['accept-encoding'] ?? '');
		let sent = { file, stats: original, encoding: '' };
		for (const { suffix, name } of ENCODINGS) {
			if (!new RegExp(`\\b${name}\\b`).test(accepted)) continue;
			const stats = await fileStats(file + suffix);
			if (stats) {
				sent = { file: file + suffix, stats, encoding: name };
				break;
			}
		}

		const etag = `W/"${sent.stats.size}-${sent.stats.mtime.getTime()}"`;
		res.setHeader('Vary', 'Accept-Encoding');
		res.setHeader('ETag', etag);
		res.setHeader('Last-Modified', sent.stats.mtime.toUTCString());
		res.setHeader(
			'Cache-Control',
			pathname.startsWith(IMMUTABLE_PREFIX) ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate'
		);
		if (req.headers['if-none-match'] === etag) {
			res.writeHead(304).end();
			return;
		}
		const type = mimeType(pathname) ?? 'application/octet-stream';
		res.setHeader('Content-Type', type === 'text/html' ? 'text/html; charset=utf-8' : type);
		if (sent.encoding) res.setHeader('Content-Encoding', sent.encoding);
		res.setHeader('Content-Length', sent.stats.size);
		if (req.method === 'HEAD') {
			res.end();
			return;
		}

		if (sent.stats.size === 0) {
			res.end();
			return;
		}
		// At most the announced length if the file grew since the look; fewer bytes (it shrank) cut
		// the connection, since a response shorter than its Content-Length would leave the client waiting.
		const stream = createReadStream(sent.file, { end: sent.stats.size - 1 });
		let bytes = 0;
		stream.on('data', (chunk) => (bytes += chunk.length));
		stream.on('end', () => {
			if (bytes < sent.stats.size) res.destroy();
		});
		stream.on('error', () => {
			// Gone or unreadable between the look and the read: before any byte, a 404; after, cut
			// the response short so the client sees a failed download, not a complete one.
			if (!res.headersSent) notFound(res);
			else res.destroy();
		});
		stream.pipe(res);
	}

	return (req, res, next) => {
		serve(req, res, next).catch(() => {
			if (!res.headersSent) notFound(res);
			else res.destroy();
		});
	};
}

function notFound(res: ServerResponse): void {
	res.statusCode = 404;
	for (const name of ['Content-Encoding', 'Content-Length', 'ETag', 'Last-Modified', 'Vary']) res.removeHeader(name);
	res.setHeader('Content-Type', 'text/plain; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.end('Not found');
}
