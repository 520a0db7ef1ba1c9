/**
 * @file Headers on every response, static assets included, so the dev server, the preview and
 * `npm start` share this table. The page's Content-Security-Policy is Kit's (svelte.config.js:
 * it needs the nonce of each rendered page), /docs sets its own.
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	// Cross-origin isolation: the page may use SharedArrayBuffer, which multi-threaded WASM
	// (onnxruntime-web, ffmpeg.wasm) needs.
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	'Cross-Origin-Resource-Policy': 'same-origin',
	// A file is what its Content-Type says, never sniffed into a script or a page.
	'X-Content-Type-Options': 'nosniff',
	// What a user transcribes is nobody else's business: no Referer leaves the page.
	'Referrer-Policy': 'no-referrer',
	// Nobody frames the page (clickjacking the record button); the CSP's frame-ancestors says the same to newer browsers.
	'X-Frame-Options': 'DENY'
});
