/**
 * @file A local model's files as the engine opens them. In Node, paths: onnxruntime-node and
 * transformers.js read the disk. In the browser, downloads from our server's /models/, kept in
 * transformers.js's own Cache Storage bucket (so a second visit reads them offline, and
 * transformers.js finds there whatever we downloaded for it), with the same progress events
 * transformers.js reports for its own downloads.
 */
import { env, type ProgressInfo } from '@huggingface/transformers';

export type OnProgress = (info: ProgressInfo) => void;

/** A file of a local model: its folder (a path in Node, a URL prefix in the browser) and name in it. */
export interface LocalFile {
	folder: string;
	/** As transformers.js names it in progress events, e.g. `onnx/encoder_model_quantized.onnx`. */
	file: string;
}

const urlOf = ({ folder, file }: LocalFile) => folder + file;

/** Node (the server, tests, benchmarks): a local model's files are on its disk. */
const ON_DISK = typeof process !== 'undefined' && process.release?.name === 'node';

/** The browser with transformers.js's file cache on (Cache Storage needs a secure origin). */
function browserCache(): boolean {
	return !ON_DISK && typeof caches !== 'undefined' && env.useBrowserCache;
}

/**
 * Where storeInCache left a file: in the browser's cache; on the disk (Node: nothing to do); not
 * kept (the browser would not store it, or has no cache: transformers.js downloads it itself);
 * absent (the server has no such file).
 */
export type Stored = 'in-cache' | 'on-disk' | 'not-kept' | 'absent';

/**
 * What onnxruntime opens for one graph: in Node its path (onnxruntime-node reads the file); in the
 * browser its bytes, from the cache or downloaded into it. null: the server has no such file.
 */
export async function openGraph(graph: LocalFile, onProgress?: OnProgress): Promise<string | Uint8Array | null> {
	if (!browserCache()) return urlOf(graph);
	const cache = await openCache();
	const cached = await cache?.match(urlOf(graph));
	if (cached) return new Uint8Array(await cached.arrayBuffer());
	const fetched = await download(graph, onProgress);
	if (!fetched) return null;
	const { response } = fetched;
	const bytes = new Uint8Array(await response.arrayBuffer());
	// Storage full: the graph still runs for this visit (the page says the model was not kept).
	await cache?.put(urlOf(graph), new Response(bytes, { headers: response.headers })).catch(() => undefined);
	return bytes;
}

/**
 * Downloads a file into the browser's cache, with progress, for transformers.js to read from there
 * (its own download would first probe every file Whisper's architecture lists for its progress
 * total, the merged decoder among them). Streamed into the cache, not held in memory. A download
 * cut short rejects: the model's load fails.
 */
export async function storeInCache(file: LocalFile, onProgress?: OnProgress): Promise<Stored> {
	if (ON_DISK) return 'on-disk';
	const cache = browserCache() ? await openCache() : undefined;
	if (!cache) return 'not-kept';
	if (await cache.match(urlOf(file))) return 'in-cache';
	const fetched = await download(file, onProgress);
	if (!fetched) return 'absent';
	try {
		await cache.put(urlOf(file), fetched.response);
		return 'in-cache';
	} catch {
		if (fetched.failure() !== undefined) throw fetched.failure();
		return 'not-kept';
	}
}

/** A local model's file as bytes, in Node and the browser alike (null where absent), read as openGraph reads a graph. */
export async function openBytes(file: LocalFile, onProgress?: OnProgress): Promise<Uint8Array | null> {
	const source = await openGraph(file, onProgress);
	if (typeof source !== 'string') return source;
	try {
		return await readLocalFile(source);
	} catch (error) {
		if (error instanceof Error && /ENOENT/.test(error.message)) return null;
		throw error;
	}
}

/** A JSON file of a local model (null where absent), read through openBytes. */
export async function localJson(file: LocalFile): Promise<Record<string, unknown> | null> {
	const bytes = await openBytes(file);
	return bytes && JSON.parse(new TextDecoder().decode(bytes));
}

async function openCache(): Promise<Cache | undefined> {
	return caches.open(env.cacheKey).catch(() => undefined);
}

interface Download {
	/** The response, its body reporting progress as it is read. */
	response: Response;
	/** Why reading the body failed (the connection dropped), once it has; undefined otherwise. */
	failure(): unknown;
}

/**
 * A file's download. null: the server has no such file, or the browser is offline with a model
 * cached before this file existed (the caller does without it). Online, a failed download is the
 * model's load failing (the page offers to try again).
 */
async function download(file: LocalFile, onProgress?: OnProgress): Promise<Download | null> {
	const url = urlOf(file);
	const response = await fetch(url).catch((error: unknown) => {
		if (typeof navigator !== 'undefined' && navigator.onLine === false) return undefined;
		throw error;
	});
	if (!response || response.status === 404) return null;
	if (!response.ok) throw new Error(`Could not download ${url} (HTTP ${response.status}).`);
	const reader = response.body!.getReader();
	const total = Number(response.headers.get('content-length')) || 0;
	const report = (info: Record<string, unknown>) => onProgress?.({ name: file.folder, file: file.file, ...info } as ProgressInfo);
	let loaded = 0;
	let failure: unknown;
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await reader.read();
				if (done) {
					report({ status: 'done' });
					controller.close();
					return;
				}
				loaded += value.byteLength;
				const size = Math.max(total, loaded);
				report({ status: 'progress', progress: (loaded / size) * 100, loaded, total: size });
				controller.enqueue(value);
			} catch (error) {
				failure = error;
				controller.error(error);
			}
		},
		cancel: (reason) => reader.cancel(reason)
	});
	return { response: new Response(body, { headers: response.headers }), failure: () => failure };
}

/**
 * A file in Node. The module name is a variable so that the page's bundle does not try to
 * resolve node:fs (the page never gets here: in the browser openGraph returns bytes).
 */
async function readLocalFile(path: string): Promise<Uint8Array> {
	const fs = 'node:fs/promises';
	const { readFile } = (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises');
	return readFile(path);
}
