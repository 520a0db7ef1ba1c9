/**
 * @file Several files at once: they queue and run one after another, each with its own row,
 * progress and history entry; a file that fails says why and the queue goes on; "Download all"
 * gives one zip of the chosen format for every finished file.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { evalAudioPath } from '../support/eval-audio';
import { layoutProblems, SCREEN_SIZES } from '../support/layout';
import { option } from '../support/options';

const BATCH_TIMEOUT_MS = 8 * 60_000;

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'the queue does not depend on the device; the WASM project covers it');
});

test('a batch of files queues, runs one by one with a row each, goes on past a bad file, and downloads as one zip', async ({
	page
}, testInfo) => {
	const jfk = await evalAudioPath('en_jfk.wav');
	// A second file of the same name (from another folder), another recording, and a file that is not media.
	const sameName = testInfo.outputPath('copy/en_jfk.wav');
	mkdirSync(dirname(sameName), { recursive: true });
	copyFileSync(jfk, sameName);
	const notMedia = testInfo.outputPath('notes.wav');
	writeFileSync(notMedia, 'not audio at all\n');
	const files = [jfk, await evalAudioPath('en_ldc93s1_timit.wav'), notMedia, sameName];

	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	const started = Date.now();
	await page.getByTestId('file-input').setInputFiles(files);

	const rows = page.getByTestId('batch-item');
	await expect(rows).toHaveCount(4);
	// One at a time: while the first runs, the others wait.
	await expect(rows.nth(0)).toHaveAttribute('data-status', 'running');
	await expect(rows.nth(3)).toHaveAttribute('data-status', 'queued');
	await expect(rows.nth(3)).toHaveAttribute('data-status', 'done', { timeout: BATCH_TIMEOUT_MS });
	console.log(`[batch] 4 files (3 recordings, 1 bad) on tiny.en, WASM: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	expect(await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))).toEqual([
		'done',
		'done',
		'failed',
		'done'
	]);
	await expect(page.getByTestId('batch-error')).toContainText('could not read this file as audio or video');
	await expect(page.getByTestId('batch-title')).toHaveText('Files: 3 of 4 done');
	await expect(page.getByTestId('history-entry')).toHaveCount(3);

	for (const size of SCREEN_SIZES) {
		await page.setViewportSize({ width: size.width, height: size.height });
		expect(await page.evaluate(layoutProblems), size.name).toEqual([]);
	}

	// Each finished row shows its own transcript.
	await rows.nth(1).getByTestId('batch-show').click();
	await expect(page.getByTestId('summary')).toContainText('en_ldc93s1_timit.wav');

	await page.getByTestId('batch-format').selectOption('srt');
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-all').click()]);
	expect(download.suggestedFilename()).toBe('koe-transcripts-srt.zip');
	const zip = unzipSync(readFileSync(await download.path()));
	expect(Object.keys(zip).sort()).toEqual(['en_jfk (2).srt', 'en_jfk.srt', 'en_ldc93s1_timit.srt']);
	expect(strFromU8(zip['en_jfk.srt']!)).toMatch(/^1\n00:00:0\d,\d{3} --> /);
	expect(strFromU8(zip['en_jfk.srt']!)).toContain('country');
	expect(strFromU8(zip['en_jfk (2).srt']!)).toContain('country');
	expect(strFromU8(zip['en_ldc93s1_timit.srt']!).toLowerCase()).toContain('greasy wash water');
});
