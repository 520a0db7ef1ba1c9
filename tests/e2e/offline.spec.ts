/**
 * @file Once loaded and with its model cached, the app works without a network (installable web
 * app with a service worker); a model that is not cached is named as such when offline.
 */
import { expect, test } from '@playwright/test';
import { evalAudioPath, recording } from '../support/eval-audio';
import { wordErrorRate } from '../support/wer';
import { option } from '../support/options';

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'offline behaviour does not depend on the device; the WASM project covers it');
});

test('works offline once the page and the model are cached', async ({ page, context }) => {
	const jfk = recording('en_jfk.wav');
	await page.goto('/');
	await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined);
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(jfk.file));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: 120_000 });

	await context.setOffline(true);
	await page.reload();
	await expect(page.getByTestId('device-label')).toBeVisible();
	await expect(page.getByTestId('model-size')).toHaveText('Downloaded already: works offline');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(jfk.file));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: 120_000 });
	const text = (await page.getByTestId('segment-text').allTextContents()).join(' ');
	expect(wordErrorRate(jfk.reference, text)).toBeLessThanOrEqual(0.1);

	// A model this browser never downloaded: said before and after trying.
	await (await option(page, 'model-select')).selectOption('base');
	await expect(page.getByTestId('model-size')).toHaveText('Not downloaded yet: needs a network connection');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(jfk.file));
	await expect(page.getByTestId('error')).toContainText('not downloaded yet, and there is no network connection');
	await context.setOffline(false);
});
