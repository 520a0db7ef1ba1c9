/**
 * @file Cross-origin isolation headers. They let the page use SharedArrayBuffer, which
 * multi-threaded WASM (onnxruntime-web, ffmpeg.wasm) needs. Every response carries them,
 * static assets included, so the dev server, the preview and `npm start` share this table.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	'Cross-Origin-Resource-Policy': 'same-origin'
});
