/**
 * @file The real `npm start` server over HTTP: isolation headers on pages and assets, local
 * model files at /models/, and no way out of the model folder.
 */
import http from 'node:http';
import { expect, test } from '@playwright/test';

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'plain HTTP: one browser project is enough');
});

/** Sends the path byte for byte (fetch clients normalise "..", which would hide the attack). */
function rawGet(baseURL: string, rawPath: string): Promise<{ status: number; body: string }> {
	const { hostname, port } = new URL(baseURL);
	return new Promise((resolve, reject) => {
		http
			.get({ hostname, port, path: rawPath }, (response) => {
				let body = '';
				response.on('data', (chunk: Buffer) => (body += chunk.toString()));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
			})
			.on('error', reject);
	});
}

test('pages and static assets are cross-origin isolated', async ({ request }) => {
	const page = await request.get('/');
	expect(page.headers()['cross-origin-opener-policy']).toBe('same-origin');
	expect(page.headers()['cross-origin-embedder-policy']).toBe('require-corp');
	const icon = await request.get('/favicon.svg');
	expect(icon.status()).toBe(200);
	expect(icon.headers()['cross-origin-embedder-policy']).toBe('require-corp');
	expect(icon.headers()['cross-origin-resource-policy']).toBe('same-origin');
});

test('serves local model files', async ({ request }) => {
	const config = await request.get('/models/whisper-tiny.en/config.json');
	expect(config.status()).toBe(200);
	expect((await config.json()).model_type).toBe('whisper');
	const encoder = await request.head('/models/whisper-tiny.en/onnx/encoder_model_quantized.onnx');
	expect(encoder.status()).toBe(200);
	expect(Number(encoder.headers()['content-length'])).toBeGreaterThan(1_000_000);
	expect((await request.get('/models/whisper-tiny.en/missing.json')).status()).toBe(404);
});

test('refuses paths that leave the model folder', async ({ baseURL }) => {
	for (const attack of [
		'/models/../package.json',
		'/models/..%2f..%2f..%2fetc%2fpasswd',
		'/models/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
		'/models/whisper-tiny.en/..%2f..%2f..%2f..%2fetc%2fpasswd',
		'/models/..%5c..%5cpackage.json'
	]) {
		const { status, body } = await rawGet(baseURL!, attack);
		expect(status, attack).toBe(404);
		expect(body, attack).not.toContain('root:');
		expect(body, attack).not.toContain('"name": "koe"');
	}
});
