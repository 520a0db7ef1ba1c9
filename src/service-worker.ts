/**
 * @file The offline app shell. The page and its small assets are cached at install; the large
 * hashed assets (ffmpeg and ONNX Runtime WASM) on first use, so nothing is fetched that this
 * device never needs. Model files are not cached here: transformers.js keeps them in its own
 * Cache Storage bucket, and a second copy would double the quota they take.
 */
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `koe-app-${version}`;
/** Over this size an asset is cached when first used instead of at install. */
const PRECACHE_MAX_BYTES = 2_000_000;

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.add('/');
			const small = await Promise.all(
				[...build, ...files].map(async (path) => {
					const response = await fetch(path, { method: 'HEAD' }).catch(() => null);
					return Number(response?.headers.get('content-length') ?? 0) <= PRECACHE_MAX_BYTES ? path : null;
				})
			);
			await cache.addAll(small.filter((path): path is string => path !== null));
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key.startsWith('koe-app-') && key !== CACHE) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

const assets = new Set([...build, ...files]);

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (request.method !== 'GET' || url.origin !== sw.location.origin || url.pathname.startsWith('/models/')) return;

	if (assets.has(url.pathname)) {
		// Hashed, immutable assets: the cache first, the network once.
		event.respondWith(
			(async () => {
				const cache = await caches.open(CACHE);
				const cached = await cache.match(request);
				if (cached) return cached;
				const response = await fetch(request);
				if (response.ok) await cache.put(request, response.clone());
				return response;
			})()
		);
		return;
	}

	if (request.mode === 'navigate') {
		// The page: fresh from the network when there is one, the cached shell when not.
		event.respondWith(
			(async () => {
				const cache = await caches.open(CACHE);
				try {
					const response = await fetch(request);
					if (response.ok && url.pathname === '/') await cache.put('/', response.clone());
					return response;
				} catch {
					return (await cache.match('/')) ?? Response.error();
				}
			})()
		);
	}
});
