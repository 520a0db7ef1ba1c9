import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { RESPONSE_HEADERS } from './src/lib/server/response-headers.ts';
import { wat } from './scripts/vite-wat.ts';

export default defineConfig({
	plugins: [sveltekit(), wat()],
	server: { headers: { ...RESPONSE_HEADERS }, fs: { allow: ['workers'] } },
	preview: { headers: { ...RESPONSE_HEADERS } },
	worker: { format: 'es', plugins: () => [wat()] },
	optimizeDeps: {
		// ffmpeg.wasm starts its own worker from a relative URL, which pre-bundling would break.
		exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util', '@huggingface/transformers', 'onnxruntime-web']
	},
	test: {
		include: ['tests/unit/**/*.test.ts'],
		testTimeout: 120_000
	}
});
