// @file SvelteKit config: the Node adapter builds the app and its server routes into build/.
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Compressed copies of the page's files come from scripts/precompress.ts, which keeps them between builds.
		adapter: adapter({ out: 'build', precompress: false }),
		alias: {
			$workers: 'workers'
		},
		// Kit refuses cross-site form posts to protect form actions, which Koe has none of; its
		// API is meant to be posted to from anywhere (curl, scripts, Bazarr), with API_KEYS for access.
		// Kit 2 calls this option deprecated in favour of trustedOrigins, but those still refuse a
		// post with no Origin header at all, which is every curl call.
		csrf: { checkOrigin: false },
		// The page's Content-Security-Policy; Kit adds the nonce of its own inline start-up script.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				// Our bundles only; wasm-unsafe-eval lets the page compile WebAssembly, and no string
				// becomes code (no eval).
				'script-src': ['self', 'wasm-unsafe-eval'],
				// The transcription worker, ffmpeg's, and the service worker: all our own files.
				'worker-src': ['self', 'blob:'],
				// The API and model files from this server, and models from the Hugging Face hub, whose
				// files redirect to its storage hosts.
				'connect-src': ['self', 'blob:', 'data:', 'https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'],
				// The player plays the chosen file or the recording from a blob: URL.
				'media-src': ['self', 'blob:'],
				'img-src': ['self', 'data:', 'blob:'],
				// Svelte renders style attributes.
				'style-src': ['self', 'unsafe-inline'],
				'font-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
