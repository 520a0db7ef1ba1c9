/**
 * @file The API documentation in a real browser: Swagger UI loads from our own origin at /docs,
 * and its "Try it out" on POST /asr uploads a recording and shows the transcript in the response body.
 */
import { expect, test } from '@playwright/test';
import { evalAudioPath } from '../support/eval-audio';
import { startServer, type TestServer } from '../support/server';

let server: TestServer;
test.beforeAll(async () => (server = await startServer()));
test.afterAll(async () => server?.stop());

test('Swagger UI lists the endpoints, and "Try it out" on /asr transcribes an upload', async ({ page }) => {
	const foreign: string[] = [];
	const ours = (url: string) => url.startsWith(server.url) || url.startsWith(`blob:${server.url}`) || url.startsWith('data:');
	page.on('request', (request) => !ours(request.url()) && foreign.push(request.url()));
	await page.goto(`${server.url}/docs`);
	const asr = page.locator('#operations-Endpoints-transcribe, .opblock-post').filter({ hasText: '/asr' }).first();
	await expect(asr).toBeVisible();
	await expect(page.locator('.opblock-summary-path').filter({ hasText: '/v1/audio/transcriptions' })).toBeVisible();

	await asr.locator('.opblock-summary').click();
	await asr.getByRole('button', { name: 'Try it out' }).click();
	await asr
		.locator('select')
		.filter({ has: page.locator('option[value="srt"]') })
		.selectOption('srt');
	await asr.locator('input[type="file"]').setInputFiles(await evalAudioPath('en_jfk.wav'));
	await asr.getByRole('button', { name: 'Execute' }).click();
	await expect(asr.locator('.responses-inner .response .response-col_status').first()).toHaveText('200', { timeout: 60_000 });
	// The answer is inline, so Swagger prints the transcript in the response body (the guide's
	// screenshots), and still names the file for clients that save it.
	const body = asr.locator('.responses-inner .response-col_description .microlight').first();
	await expect(body).toContainText('ask not what your country');
	expect(await body.innerText()).toMatch(/^1\n00:00:00,\d{3} --> .*ask\s+not\s+what\s+your\s+country/s);
	await expect(asr.locator('.responses-inner a[download]')).toHaveCount(0);
	await expect(asr.locator('.responses-inner').first()).toContainText('inline; filename="en_jfk.wav.srt"'); // its response headers
	expect(foreign).toEqual([]);
});
