/**
 * @file How much a model download weighs before it starts, and whether the browser already has
 * it: a HEAD request per ONNX file, and a look into transformers.js's Cache Storage.
 */
import { downloadedOnnxFiles, type EngineDevice, type ModelEntry } from '$lib/engine/models';
import type { ModelSource } from '$lib/engine/model-source';

/** transformers.js keeps downloaded files in this Cache Storage bucket, keyed by URL. */
const TRANSFORMERS_CACHE = 'transformers-cache';

export interface DownloadEstimate {
	/** Bytes still to download; null when the server did not say. */
	bytes: number | null;
	/** Every file is already in the browser's cache. */
	cached: boolean;
}

function fileUrl(model: ModelEntry, source: ModelSource, file: string): string {
	if (source.kind === 'local') return new URL(`${source.root}${model.localName}/${file}`, location.origin).href;
	return `https://huggingface.co/${model.hubRepo}/resolve/main/${file}`;
}

async function isCached(url: string): Promise<boolean> {
	try {
		const cache = await caches.open(TRANSFORMERS_CACHE);
		return (await cache.match(url)) !== undefined;
	} catch {
		return false; // Cache Storage is off (private mode, insecure origin)
	}
}

async function remoteSize(url: string): Promise<number | null> {
	try {
		const response = await fetch(url, { method: 'HEAD' });
		const length = Number(response.headers.get('content-length'));
		return response.ok && length > 0 ? length : null;
	} catch {
		return null;
	}
}

const memo = new Map<string, Promise<DownloadEstimate>>();

export function estimateDownload(model: ModelEntry, device: EngineDevice, source: ModelSource): Promise<DownloadEstimate> {
	const key = JSON.stringify([model.id, device, source]);
	let estimate = memo.get(key);
	if (!estimate) {
		estimate = measure(model, device, source);
		memo.set(key, estimate);
	}
	return estimate;
}

async function measure(model: ModelEntry, device: EngineDevice, source: ModelSource): Promise<DownloadEstimate> {
	const names = downloadedOnnxFiles(device, source.kind === 'local');
	const urls = names.map((file) => fileUrl(model, source, file));
	const files = await Promise.all(
		urls.map(async (url) => ((await isCached(url)) ? { cached: true, bytes: 0 } : { cached: false, bytes: await remoteSize(url) }))
	);
	const unknown = files.some((file) => file.bytes === null);
	return {
		cached: files.every((file) => file.cached),
		bytes: unknown ? null : files.reduce((sum, file) => sum + (file.bytes ?? 0), 0)
	};
}

/** "41 MB" */
export function formatBytes(bytes: number): string {
	const mb = bytes / 1_000_000;
	return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${Math.max(1, Math.round(mb))} MB`;
}

/** Deletes a model's cached files (after a failed load: they may be cut short). */
export async function evictModel(model: ModelEntry, source: ModelSource): Promise<void> {
	try {
		const cache = await caches.open(TRANSFORMERS_CACHE);
		const prefix = fileUrl(model, source, '');
		const stale = (await cache.keys()).filter((request) => request.url.startsWith(prefix));
		await Promise.all(stale.map((request) => cache.delete(request)));
	} catch {
		// No Cache Storage here: nothing was cached either.
	}
	forgetEstimates();
}

/** Forget measurements once a model has been downloaded, so the UI says "cached". */
export function forgetEstimates(): void {
	memo.clear();
}
