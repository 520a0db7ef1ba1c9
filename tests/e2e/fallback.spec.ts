/**
 * @file The fallback route: a browser that can't run the model (here Chromium with no WebGPU
 * adapter and WebAssembly removed from the page) hands the file to the Koe server that served the page, and
 * the transcript comes back into the same view and history; a capable browser may choose the
 * server too.
 */
import { expect, test } from '@playwright/test';
import { chromiumPath, quietChromium } from '../support/chromium';
import { evalAudioPath, recording } from '../support/eval-audio';
import { wordErrorRate } from '../support/wer';
import { option } from '../support/options';
import { cutAudio } from '../support/media';
import { failureText, LOCALES } from '../../src/lib/browser/i18n/messages';

const SERVER_TIMEOUT_MS = 2 * 60_000;
const en = LOCALES.en;

test('a browser without WebGPU or WebAssembly sends the file to the server, says why, and keeps the transcript', async ({
	playwright,
	baseURL
}, testInfo) => {
	test.skip(testInfo.project.name === 'webgpu', 'this test turns both WebGPU and WASM off itself');
	const browser = await playwright.chromium.launch({ executablePath: chromiumPath, args: quietChromium });
	try {
		const context = await browser.newContext({ baseURL });
		// As where WebAssembly is switched off (by policy, or a lockdown mode) for the page.
		await context.addInitScript(() => Reflect.deleteProperty(globalThis, 'WebAssembly'));
		const page = await context.newPage();
		const jfk = recording('en_jfk.wav');
		await page.goto('/');
		expect(await page.evaluate(() => typeof WebAssembly)).toBe('undefined');
		const route = page.getByTestId('route');
		await expect(route).toHaveAttribute('data-where', 'server');
		await expect(route).toContainText('no WebAssembly');

		await page.getByTestId('file-input').setInputFiles(await evalAudioPath(jfk.file));
		await expect(page.getByTestId('segments')).toBeVisible({ timeout: SERVER_TIMEOUT_MS });
		const text = (await page.getByTestId('segment-text').allTextContents()).join(' ');
		expect(wordErrorRate(jfk.reference, text), text).toBeLessThanOrEqual(0.1);

		await page.reload();
		await expect(page.getByTestId('history-entry').filter({ hasText: jfk.file })).toHaveCount(1);
	} finally {
		await browser.close();
	}
});

test('a capable browser may choose the server', async ({ page }, testInfo) => {
	test.skip(testInfo.project.name === 'webgpu', 'the choice does not depend on the device; the WASM project covers it');
	const timit = recording('en_ldc93s1_timit.wav');
	await page.goto('/');
	await expect(page.getByTestId('device-label')).toHaveText('WASM');
	await expect(page.getByTestId('route')).toHaveCount(0);
	await (await option(page, 'route-select')).selectOption('server');
	await expect(page.getByTestId('route')).toContainText('as chosen');
	// The decoding chosen on the page goes with the job.
	await (await option(page, 'beam-select')).selectOption('5');
	const uploads = page.waitForRequest(
		(request) => request.url().includes('/asr/async') && request.url().includes('beam_size=5') && request.method() === 'POST'
	);
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(timit.file));
	await uploads;
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: SERVER_TIMEOUT_MS });
	const text = (await page.getByTestId('segment-text').allTextContents()).join(' ');
	expect(wordErrorRate(timit.reference, text), text).toBeLessThanOrEqual(0.5);
});

test('a file too short for speech is called too short when it goes to the server, as when the page decodes it', async ({
	page
}, testInfo) => {
	test.skip(testInfo.project.name === 'webgpu', 'the choice does not depend on the device; the WASM project covers it');
	// A tenth of a second: the server answers it with no text, and the page must not show that as a transcript.
	const blip = cutAudio(await evalAudioPath('en_jfk.wav'), 0.1, testInfo.outputPath('blip.wav'));
	await page.goto('/');
	await (await option(page, 'route-select')).selectOption('server');
	const done = page.waitForResponse(
		async (response) => response.url().includes('/tasks/') && (await response.json().catch(() => null))?.status === 'done'
	);
	await page.getByTestId('file-input').setInputFiles(blip);
	expect((await (await done).json()).duration).toBeCloseTo(0.1, 2);
	const error = page.getByTestId('error');
	await expect(error).toHaveAttribute('data-code', 'too-short', { timeout: SERVER_TIMEOUT_MS });
	await expect(error).toHaveText(failureText(en, { code: 'too-short' }));
	await expect(page.getByTestId('segments')).toHaveCount(0);
	await expect(page.getByTestId('history-entry')).toHaveCount(0);
});
