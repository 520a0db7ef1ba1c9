/**
 * @file Access and limits on a real server: Bearer keys (on and off), the per-address rate
 * limit with Retry-After, the upload size limit, a refusal before an upload that waits for
 * "100 Continue", and the synchronous time limit that hands the work over to a task.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { expect, test } from '@playwright/test';
import { evalAudioPath } from '../support/eval-audio';
import { formWith, startServer } from '../support/server';
import { option } from '../support/options';

const jfkForm = async () => formWith('audio_file', { name: 'en_jfk.wav', bytes: readFileSync(await evalAudioPath('en_jfk.wav')) });

test("API_KEYS: no key or a wrong key is 401 in each family's shape; a listed key works; the page stays open", async () => {
	const server = await startServer({ API_KEYS: 'alpha-key, beta-key' });
	try {
		const open = await fetch(`${server.url}/asr?output=txt`, { method: 'POST', body: await jfkForm() });
		expect(open.status).toBe(401);
		expect(await open.json()).toEqual({ status: 'error', code: 401, message: expect.stringContaining('Bearer') });

		const wrong = await fetch(`${server.url}/v1/models`, { headers: { authorization: 'Bearer gamma-key' } });
		expect(wrong.status).toBe(401);
		expect(await wrong.json()).toEqual({
			error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' }
		});

		const keyed = await fetch(`${server.url}/asr?output=txt`, {
			method: 'POST',
			body: await jfkForm(),
			headers: { authorization: 'Bearer beta-key' }
		});
		expect(keyed.status).toBe(200);
		expect(await keyed.text()).toMatch(/ask not what your country/i);

		expect((await fetch(`${server.url}/`)).status).toBe(200);
		expect((await fetch(`${server.url}/health`)).status).toBe(200);
		expect((await fetch(`${server.url}/openapi.json`)).status).toBe(200);
	} finally {
		await server.stop();
	}
});

/**
 * A POST sent as curl sends an upload over a megabyte: the headers with `Expect: 100-continue`,
 * and the body only once the server answers "100 Continue".
 */
async function postExpectingContinue(url: string, form: FormData, headers: Record<string, string>) {
	const encoded = new Response(form);
	const body = Buffer.from(await encoded.arrayBuffer());
	return new Promise<{ continued: boolean; status: number; text: string }>((resolve, reject) => {
		let continued = false;
		const request = httpRequest(url, {
			method: 'POST',
			headers: { ...headers, expect: '100-continue', 'content-type': encoded.headers.get('content-type')!, 'content-length': body.length }
		});
		request.on('continue', () => {
			continued = true;
			request.end(body);
		});
		request.on('response', async (response) => {
			let text = '';
			for await (const chunk of response) text += chunk;
			request.destroy();
			resolve({ continued, status: response.statusCode!, text });
		});
		request.on('error', reject);
		request.flushHeaders();
	});
}

test('Expect: 100-continue: a request refused for its key is answered before its upload; an accepted one is asked for it', async () => {
	const server = await startServer({ API_KEYS: 'alpha-key' });
	try {
		const refused = await postExpectingContinue(`${server.url}/asr?output=txt`, await jfkForm(), { authorization: 'Bearer gamma-key' });
		expect(refused).toMatchObject({ continued: false, status: 401 });
		expect(JSON.parse(refused.text)).toMatchObject({ status: 'error', code: 401 });

		const accepted = await postExpectingContinue(
			`${server.url}/v1/audio/transcriptions`,
			formWith(
				'file',
				{ name: 'en_jfk.wav', bytes: readFileSync(await evalAudioPath('en_jfk.wav')) },
				{ model: 'whisper-1', response_format: 'text' }
			),
			{
				authorization: 'Bearer alpha-key'
			}
		);
		expect(accepted).toMatchObject({ continued: true, status: 200 });
		expect(accepted.text).toMatch(/ask not what your country/i);
	} finally {
		await server.stop();
	}
});

test('API_KEYS with PAGE_FALLBACK=on: the page hands files to the server with a token of its own; with it off, it offers no server', async ({
	page
}) => {
	const keyed = await startServer({ API_KEYS: 'alpha-key', PAGE_FALLBACK: 'on', RATE_LIMIT_PER_MINUTE: '0' });
	const closed = await startServer({ API_KEYS: 'alpha-key' });
	try {
		await page.goto(keyed.url);
		await (await option(page, 'route-select')).selectOption('server');
		await page.getByTestId('file-input').setInputFiles(await evalAudioPath('en_jfk.wav'));
		await expect(page.getByTestId('segments')).toBeVisible({ timeout: 120_000 });
		await expect(page.getByTestId('segment-text').first()).toContainText(/fellow Americans/i);

		// The token works for the API as the page uses it, is not a key, and a forged one is refused.
		const token = /koe-page\.\d+\.[\w-]+/.exec(await (await fetch(keyed.url)).text())?.[0];
		expect(token).toBeTruthy();
		expect((await fetch(`${keyed.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
		const forged = token!.replace(/\.(\d+)\./, (_, expiry: string) => `.${Number(expiry) + 3600}.`);
		expect((await fetch(`${keyed.url}/v1/models`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);

		// Without PAGE_FALLBACK the page has no token, so it does not offer the server.
		expect(await (await fetch(closed.url)).text()).not.toContain('koe-page.');
		await page.goto(closed.url);
		await expect(page.getByTestId('device-label')).toBeVisible();
		await expect(await option(page, 'route-select')).toHaveCount(0);
	} finally {
		await Promise.all([keyed.stop(), closed.stop()]);
	}
});

test('without API_KEYS the API needs no key', async () => {
	const server = await startServer();
	try {
		expect((await fetch(`${server.url}/v1/models`)).status).toBe(200);
	} finally {
		await server.stop();
	}
});

test('the rate limit answers 429 with Retry-After once an address has used its requests', async () => {
	const server = await startServer({ RATE_LIMIT_PER_MINUTE: '3' });
	try {
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) statuses.push((await fetch(`${server.url}/v1/models`)).status);
		expect(statuses).toEqual([200, 200, 200, 429]);
		const limited = await fetch(`${server.url}/asr`, { method: 'POST', body: await jfkForm() });
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await limited.json()).message).toMatch(/3 a minute/);
		// The page is not the API: it is never limited.
		expect((await fetch(`${server.url}/`)).status).toBe(200);
	} finally {
		await server.stop();
	}
});

test('an upload over MAX_UPLOAD_MB is refused with 413, and leaves nothing on disk', async () => {
	const server = await startServer({ MAX_UPLOAD_MB: '1' });
	try {
		// Again and again: the answer comes while the client is still sending, and must reach it every time.
		for (let attempt = 0; attempt < 5; attempt++) {
			const big = formWith('audio_file', { name: 'big.wav', bytes: new Uint8Array(3 * 1024 * 1024) });
			const response = await fetch(`${server.url}/asr`, { method: 'POST', body: big });
			expect(response.status).toBe(413);
			expect((await response.json()).message).toMatch(/larger than this server accepts \(1 MB/);
		}
		const openAi = await fetch(`${server.url}/v1/audio/transcriptions`, {
			method: 'POST',
			body: formWith('file', { name: 'big.wav', bytes: new Uint8Array(3 * 1024 * 1024) }, { model: 'whisper-1' })
		});
		expect(openAi.status).toBe(413);
		expect((await openAi.json()).error.code).toBe('file_too_large');
	} finally {
		await server.stop();
	}
});

test('past SYNC_TIMEOUT_S a synchronous call answers 504 and names the task that carries on', async () => {
	const server = await startServer({ SYNC_TIMEOUT_S: '1' });
	try {
		const long = formWith('audio_file', { name: 'sonnet.mp3', bytes: readFileSync(await evalAudioPath('en_librivox_sonnet001.mp3')) });
		const response = await fetch(`${server.url}/asr`, { method: 'POST', body: long });
		expect(response.status).toBe(504);
		const { message } = await response.json();
		const id = /GET \/tasks\/([0-9a-f-]{36})/.exec(message)?.[1];
		expect(id, message).toBeTruthy();
		await expect.poll(async () => (await (await fetch(`${server.url}/tasks/${id}`)).json()).status, { timeout: 120_000 }).toBe('done');
	} finally {
		await server.stop();
	}
});
