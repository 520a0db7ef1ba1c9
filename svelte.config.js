// @file SvelteKit config: the Node adapter builds the app and its server routes into build/.
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		alias: {
			$workers: 'workers'
		},
		// Kit refuses cross-site form posts to protect form actions, which Koe has none of; its
		// API is meant to be posted to from anywhere (curl, scripts, Bazarr), with API_KEYS for access.
		// Kit 2 calls this option deprecated in favour of trustedOrigins, but those still refuse a
		// post with no Origin header at all, which is every curl call.
		csrf: { checkOrigin: false }
	}
};

export default config;
