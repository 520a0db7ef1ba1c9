/**
 * @file What keeps a shared server working for everyone, on real servers: a caller that hangs up
 * stops its work, a full queue and a client with too many uploads are told when to come back,
 * each API key has its own rate limit, other sites' pages cannot call the API unless allowed,
 * every response carries the security headers, and a data folder that cannot be written stops
 * the server at start-up with the reason.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { evalAudioPath } from '../support/eval-audio';
import { concatAudio } from '../support/media';
import { formWith, startServer, type TestServer } from '../support/server';

/** About three minutes of speech: a task that runs far longer than any step of these tests. */
async function longRecording(outputPath: (name: string) => string): Promise<Uint8Array> {
	const sonnet = await evalAudioPath('en_librivox_sonnet001.mp3');
	return readFileSync(concatAudio([sonnet, sonnet, sonnet], outputPath('long.mp3'), { outputArgs: ['-b:a', '32k'] }));
}

const health = async (server: TestServer) => (await (await fetch(`${server.url}/health`)).json()) as { queued: number; running: number };

async function taskGauge(server: TestServer, state: string): Promise<number> {
	const text = await (await fetch(`${server.url}/metrics`)).text();
	return Number(new RegExp(`^koe_tasks\\{state="${state}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
}

test('a synchronous caller that hangs up cancels its task: the model stops, and the task ends failed', async ({}, testInfo) => {
	const server = await startServer();
	try {
		const bytes = await longRecording(testInfo.outputPath.bind(testInfo));
		const hangUp = new AbortController();
		const call = fetch(`${server.url}/asr?output=json`, {
			method: 'POST',
			body: formWith('audio_file', { name: 'long.mp3', bytes }),
			signal: hangUp.signal
		}).catch((error: Error) => error);
		await expect.poll(async () => (await health(server)).running, { timeout: 30_000 }).toBe(1);
		hangUp.abort();
		expect(await call).toBeInstanceOf(Error);
		await expect.poll(async () => (await health(server)).running, { timeout: 5_000 }).toBe(0);
		expect(await taskGauge(server, 'failed')).toBe(1);
		expect(await taskGauge(server, 'done')).toBe(0);
		// The upload went with the task.
		expect(readdirSync(path.join(server.dataDir, 'uploads'))).toEqual([]);
	} finally {
		await server.stop();
	}
});

test('QUEUE_LIMIT: a full queue answers 503 with Retry-After in each family, and keeps no upload of the refused', async ({}, testInfo) => {
	const server = await startServer({ QUEUE_LIMIT: '1' });
	try {
		const bytes = await longRecording(testInfo.outputPath.bind(testInfo));
		const submit = () => fetch(`${server.url}/asr/async`, { method: 'POST', body: formWith('audio_file', { name: 'long.mp3', bytes }) });
		const running = await submit();
		expect(running.status).toBe(202);
		await expect.poll(async () => (await health(server)).running, { timeout: 30_000 }).toBe(1);
		const waiting = await submit();
		expect(waiting.status).toBe(202);

		const refused = await submit();
		expect(refused.status).toBe(503);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await refused.json()).message).toMatch(/1 tasks are already waiting \(QUEUE_LIMIT\)/);
		const openAi = await fetch(`${server.url}/v1/audio/transcriptions`, {
			method: 'POST',
			body: formWith('file', { name: 'long.mp3', bytes }, { model: 'whisper-1' })
		});
		expect(openAi.status).toBe(503);
		expect((await openAi.json()).error.code).toBe('queue_full');
		expect(readdirSync(path.join(server.dataDir, 'uploads'))).toHaveLength(2);
		expect((await fetch(`${server.url}/health`)).status).toBe(200);
	} finally {
		await server.stop();
	}
});

test('MAX_UPLOADS_PER_CLIENT: a client with that many requests in progress is told to wait (429)', async ({}, testInfo) => {
	const server = await startServer({ MAX_UPLOADS_PER_CLIENT: '1' });
	try {
		const bytes = await longRecording(testInfo.outputPath.bind(testInfo));
		const hangUp = new AbortController();
		const first = fetch(`${server.url}/asr`, {
			method: 'POST',
			body: formWith('audio_file', { name: 'long.mp3', bytes }),
			signal: hangUp.signal
		});
		first.catch(() => {});
		await expect.poll(async () => (await health(server)).running, { timeout: 30_000 }).toBe(1);
		const second = await fetch(`${server.url}/asr`, { method: 'POST', body: formWith('audio_file', { name: 'long.mp3', bytes }) });
		expect(second.status).toBe(429);
		expect(second.headers.get('retry-after')).toBe('5');
		expect((await second.json()).message).toMatch(/already has 1 uploads in progress \(MAX_UPLOADS_PER_CLIENT\)/);
		// Reading is not uploading.
		expect((await fetch(`${server.url}/v1/models`)).status).toBe(200);
		hangUp.abort();
		await expect.poll(async () => (await health(server)).running, { timeout: 5_000 }).toBe(0);
		const jfk = readFileSync(await evalAudioPath('en_jfk.wav'));
		const after = await fetch(`${server.url}/asr?output=txt`, {
			method: 'POST',
			body: formWith('audio_file', { name: 'jfk.wav', bytes: jfk })
		});
		expect(after.status).toBe(200);
	} finally {
		await server.stop();
	}
});

test('each API key has its own rate limit, besides the address', async () => {
	const server = await startServer({ API_KEYS: 'alpha-key,beta-key', RATE_LIMIT_PER_KEY_PER_MINUTE: '2' });
	try {
		const models = (key: string) => fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
		expect([(await models('alpha-key')).status, (await models('alpha-key')).status]).toEqual([200, 200]);
		const limited = await models('alpha-key');
		expect(limited.status).toBe(429);
		expect((await limited.json()).error.message).toMatch(/2 a minute with one API key/);
		expect((await models('beta-key')).status).toBe(200);
	} finally {
		await server.stop();
	}
});

test('CORS is closed unless CORS_ORIGINS opens it; every response carries the security headers, the page its CSP', async () => {
	const closed = await startServer();
	const open = await startServer({ CORS_ORIGINS: 'https://app.example' });
	try {
		const preflight = (server: TestServer, origin: string) =>
			fetch(`${server.url}/v1/audio/transcriptions`, {
				method: 'OPTIONS',
				headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' }
			});
		const refused = await preflight(closed, 'https://app.example');
		expect(refused.status).toBe(204);
		expect(refused.headers.get('access-control-allow-origin')).toBeNull();
		const allowed = await preflight(open, 'https://app.example');
		expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
		expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
		expect((await preflight(open, 'https://other.example')).headers.get('access-control-allow-origin')).toBeNull();
		const read = await fetch(`${open.url}/v1/models`, { headers: { origin: 'https://app.example' } });
		expect(read.headers.get('access-control-allow-origin')).toBe('https://app.example');

		const page = await fetch(`${closed.url}/`);
		const asset = /(\/_app\/immutable\/[^"]+\.js)/.exec(await page.clone().text())?.[1];
		expect(asset).toBeTruthy();
		const routes = [
			['page', page],
			['asset', await fetch(closed.url + asset)],
			['health', await fetch(`${closed.url}/health`)],
			['api error', await fetch(`${closed.url}/asr`, { method: 'POST' })],
			['docs', await fetch(`${closed.url}/docs`)],
			['not found', await fetch(`${closed.url}/no-such-page`)]
		] as const;
		for (const [name, response] of routes) {
			expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
			expect(response.headers.get('referrer-policy'), name).toBe('no-referrer');
			expect(response.headers.get('cross-origin-opener-policy'), name).toBe('same-origin');
			expect(response.headers.get('cross-origin-embedder-policy'), name).toBe('require-corp');
		}
		const csp = page.headers.get('content-security-policy') ?? '';
		expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'nonce-/);
		expect(csp).toContain("frame-ancestors 'none'");
		expect(routes[4][1].headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-/);
	} finally {
		await Promise.all([closed.stop(), open.stop()]);
	}
});

test('a DATA_DIR that cannot be written stops the server at start-up, saying which and why', async ({}, testInfo) => {
	const blocker = testInfo.outputPath('a-file');
	writeFileSync(blocker, 'not a folder');
	const started = spawnSync(process.execPath, ['--import', 'tsx', 'server.ts'], {
		env: { ...process.env, PORT: '1', DATA_DIR: path.join(blocker, 'data') },
		encoding: 'utf8',
		timeout: 30_000
	});
	expect(started.status).toBe(1);
	expect(started.stderr).toContain(`Koe cannot start: DATA_DIR=${path.join(blocker, 'data')} cannot be written`);
	expect(started.stderr).toContain('(ENOTDIR)');
});
