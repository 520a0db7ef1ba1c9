/**
 * @file Serving local model folders to the browser at /models/. Only files inside the model
 * directory are ever read: any path that resolves outside it is refused.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';

/**
 * Resolves a URL path below the model root to a file path, or null when it would escape the
 * root (`..`, absolute paths, encoded separators, NUL bytes).
 */
export function resolveModelFile(root: string, requested: string): string | null {
	if (requested.includes('\0') || requested.includes('\\')) return null;
	const base = path.resolve(root);
	const target = path.resolve(base, `.${path.posix.sep}${requested}`);
	const relative = path.relative(base, target);
	if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
	return target;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
	'.json': 'application/json',
	'.onnx': 'application/octet-stream',
	'.onnx_data': 'application/octet-stream',
	'.safetensors': 'application/octet-stream',
	'.txt': 'text/plain; charset=utf-8'
};

/** A streamed response for one model file, or null when there is no such file. */
export async function modelFileResponse(root: string, requested: string): Promise<Response | null> {
	const file = resolveModelFile(root, requested);
	if (!file) return null;
	const info = await stat(file).catch(() => null);
	if (!info?.isFile()) return null;
	const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
	return new Response(body, {
		headers: {
			'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
			'Content-Length': String(info.size),
			'Last-Modified': info.mtime.toUTCString(),
			'Cache-Control': 'no-cache'
		}
	});
}

/** Registry ids whose folders exist under the local model root (what models:prepare built). */
export async function localModelIds(root: string, registry: ReadonlyArray<{ id: string; localName: string }>): Promise<string[]> {
	const folders = new Set(await readdir(root).catch(() => [] as string[]));
	return registry.filter((model) => folders.has(model.localName)).map((model) => model.id);
}
