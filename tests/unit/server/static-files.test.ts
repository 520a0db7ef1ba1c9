import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticFiles } from '$lib/server/static-files';

describe('the page files server', () => {
	let root: string;
	let server: Server;
	let base: string;

	beforeAll(async () => {
		root = mkdtempSync(path.join(tmpdir(), 'koe-static-'));
		mkdirSync(path.join(root, '_app', 'immutable'), { recursive: true });
		writeFileSync(path.join(root, '_app', 'version.json'), '{"version":"1"}');
		writeFileSync(path.join(root, '_app', 'immutable', 'app.js'), 'console.log(1);');
		writeFileSync(path.join(root, '_app', 'immutable', 'app.js.br'), brotliCompressSync('console.log(1);'));
		writeFileSync(path.join(root, '_app', 'immutable', 'gone.js'), 'x');
		writeFileSync(path.join(root, 'empty.txt'), '');
		const files = staticFiles(root);
		server = createServer((req, res) =>
			files(req, res, () => {
				res.statusCode = 418;
				res.end('next');
			})
		);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(() => {
		server.close();
		rmSync(root, { recursive: true, force: true });
	});

	it('sends the precompressed copy the client accepts, with the headers a cache needs', async () => {
		const response = await fetch(`${base}/_app/immutable/app.js`, { headers: { 'accept-encoding': 'br, gzip' } });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-encoding')).toBe('br');
		expect(response.headers.get('content-type')).toMatch(/javascript/);
		expect(response.headers.get('cache-control')).toContain('immutable');
		expect(await response.text()).toBe('console.log(1);');
		const again = await fetch(`${base}/_app/immutable/app.js`, {
			headers: { 'accept-encoding': 'br, gzip', 'if-none-match': response.headers.get('etag')! }
		});
		expect(again.status).toBe(304);
	});

	it('reads a file changed after start-up as it is now, not at its old length', async () => {
		writeFileSync(path.join(root, '_app', 'version.json'), '{"version":"a longer second build"}');
		const response = await fetch(`${base}/_app/version.json`);
		expect(response.headers.get('cache-control')).toContain('must-revalidate');
		expect(await response.json()).toEqual({ version: 'a longer second build' });
	});

	it('answers 404 for a file deleted under it, and keeps serving', async () => {
		rmSync(path.join(root, '_app', 'immutable', 'gone.js'));
		const response = await fetch(`${base}/_app/immutable/gone.js`);
		expect(response.status).toBe(404);
		expect(await response.text()).toBe('Not found');
		expect((await fetch(`${base}/_app/immutable/app.js`)).status).toBe(200);
	});

	it('passes on what is not a file: routes, folders, other methods, paths out of its folder', async () => {
		for (const [url, init] of [
			['/asr', {}],
			['/_app', {}],
			['/_app/immutable/app.js', { method: 'POST', body: 'x' }],
			['/%2e%2e/etc/passwd', {}]
		] as const) {
			const response = await fetch(base + url, init);
			expect(response.status, url).toBe(418);
		}
		const empty = await fetch(`${base}/empty.txt`);
		expect(empty.status).toBe(200);
		expect(await empty.text()).toBe('');
	});
});
