/**
 * @file Skip silence and the subtitle layout in the real page (WASM project, tiny.en): JFK after
 * 12 s of room noise; the subtitles start with the speech, follow the layout chosen in the options
 * (remembered across a reload), and the lrc download is timed lines.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { evalAudioPath } from '../support/eval-audio';
import { afterNoise, ffmpeg, makeVideo } from '../support/media';
import { option } from '../support/options';

const TIMEOUT_MS = 5 * 60_000;

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'layout and VAD do not depend on the device; the WASM project covers them');
});

async function download(page: Page, format: string): Promise<string> {
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-${format}`).click()]);
	return readFileSync(await file.path(), 'utf8');
}

const firstCueStart = (srt: string) => {
	const [h, m, s, ms] = /(\d\d):(\d\d):(\d\d),(\d\d\d) -->/.exec(srt)!.slice(1).map(Number);
	return h! * 3600 + m! * 60 + s! + ms! / 1000;
};

test('skips the silence, and lays subtitles out as the options say, remembered', async ({ page }, testInfo) => {
	const file = afterNoise(await evalAudioPath('en_jfk.wav'), 12, testInfo.outputPath('noise-then-jfk.wav'));
	await page.goto('/');
	await expect(await option(page, 'skip-silence')).toBeChecked(); // on by default
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await (await option(page, 'subtitle-layout')).locator('summary').click();
	await page.getByTestId('layout-line-width').fill('20');
	await page.getByTestId('layout-line-width').dispatchEvent('change');
	await page.getByTestId('layout-line-count').fill('1');
	await page.getByTestId('layout-line-count').dispatchEvent('change');
	await page.getByTestId('file-input').setInputFiles(file);
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TIMEOUT_MS });

	const srt = await download(page, 'srt');
	console.log(`[wasm] skip silence, 20 characters, 1 line:\n${srt.slice(0, 300)}`);
	const start = firstCueStart(srt);
	expect(start).toBeGreaterThan(11.8);
	expect(start).toBeLessThan(12.8);
	const lines = srt.split('\n').filter((line) => line && !/^\d+$/.test(line) && !line.includes('-->'));
	expect(lines.length).toBeGreaterThan(4);
	for (const line of lines) if (line.includes(' ')) expect(line.length, line).toBeLessThanOrEqual(20);
	writeFileSync(testInfo.outputPath('page.srt'), srt);
	ffmpeg('-i', testInfo.outputPath('page.srt'), '-f', 'srt', testInfo.outputPath('again.srt'));

	const lrc = await download(page, 'lrc');
	expect(lrc.split('\n')[0]).toBe('[by:Koe]');
	expect(lrc).toMatch(/^\[00:1[12]\.\d\d\]\S/m);

	await page.reload();
	await (await option(page, 'subtitle-layout')).locator('summary').click();
	await expect(page.getByTestId('layout-line-width')).toHaveValue('20');
	await expect(page.getByTestId('layout-line-count')).toHaveValue('1');

	// Without skipping, Whisper's first segment starts in the noise.
	await (await option(page, 'skip-silence')).uncheck();
	await page.getByTestId('file-input').setInputFiles(file);
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TIMEOUT_MS });
	console.log(`[wasm] without skipping, the first cue starts at ${firstCueStart(await download(page, 'srt'))} s`);
});

test("a video shows the laid-out subtitles in the page's own player", async ({ page }, testInfo) => {
	const video = makeVideo(await evalAudioPath('en_jfk.wav'), testInfo.outputPath('jfk.mp4'));
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(video);
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TIMEOUT_MS });
	const vtt = await download(page, 'vtt');
	const cueCount = vtt.split('\n').filter((line) => line.includes(' --> ')).length;
	expect(cueCount).toBeGreaterThan(1);
	// The browser parsed the track: as many cues as the .vtt download, the first one's text the same.
	await expect
		.poll(() => page.evaluate(() => document.querySelector('video')?.textTracks[0]?.cues?.length ?? 0), { timeout: 10_000 })
		.toBe(cueCount);
	const firstText = await page.evaluate(() => (document.querySelector('video')!.textTracks[0]!.cues![0] as VTTCue).text);
	expect(vtt).toContain(`\n${firstText}\n`);
	expect(await page.evaluate(() => document.querySelector('video')!.textTracks[0]!.mode)).toBe('showing');
});

test('the editor: find and replace, undo and redo, shift, split, merge, nudge, keys, copy; kept in history and exports', async ({
	page
}) => {
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath('en_jfk.wav'));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TIMEOUT_MS });
	const lines = page.getByTestId('segment-text');
	const text = async () => (await lines.allTextContents()).join(' ').replace(/\s+/g, ' ');
	const original = await text();
	const count = await lines.count();

	// Find and replace, whole words: "country" twice.
	await page.getByTestId('find-input').fill('country');
	await page.getByTestId('replace-input').fill('nation');
	await page.getByTestId('replace-all').click();
	await expect(page.getByTestId('replace-count')).toHaveText('2 replaced');
	expect(await text()).toBe(original.replaceAll('country', 'nation'));
	await page.getByTestId('undo').click();
	expect(await text()).toBe(original);
	await page.getByTestId('redo').click();
	expect(await text()).toBe(original.replaceAll('country', 'nation'));

	// Shift every time by 1.5 s: the first line's time moves, and Ctrl+Z takes it back.
	const firstTime = page.getByTestId('segment').first().locator('.time');
	const before = await firstTime.textContent();
	await page.getByTestId('shift-seconds').fill('1.5');
	await page.getByTestId('shift-apply').click();
	await expect(firstTime).not.toHaveText(before!);
	await page.getByTestId('segments').click({ position: { x: 2, y: 2 } });
	await page.keyboard.press('Control+z');
	await expect(firstTime).toHaveText(before!);

	// Split the first line after its second word, then merge it back.
	await page.getByTestId('segment-edit').first().click();
	const editor = page.getByTestId('segment-editor');
	await editor.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(6, 6)); // "And so| my fellow…"
	await page.getByTestId('segment-split').click();
	await expect(lines).toHaveCount(count + 1);
	await expect(lines.first()).toHaveText('And so');
	await page.getByTestId('segment-edit').first().click();
	await page.getByTestId('segment-merge').click();
	await expect(lines).toHaveCount(count);
	expect(await text()).toBe(original.replaceAll('country', 'nation'));

	// Nudge the second line's start by +0.1 s twice.
	await page.getByTestId('segment-edit').nth(1).click();
	const start = page.getByTestId('nudge-start');
	const startBefore = await start.textContent();
	await page.getByTestId('nudge-start-later').click();
	await page.getByTestId('nudge-start-later').click();
	await expect(start).not.toHaveText(startBefore!);
	await page.getByTestId('segment-editor').press('Escape');

	// Copy with times: a line per segment after its start.
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
	await page.getByTestId('copy-timed').click();
	await expect(page.getByTestId('copy-state')).toHaveText('Copied');
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	expect(copied).toMatch(/^\[00:0\d\] And so/);
	expect(copied.split('\n').filter(Boolean)).toHaveLength(count);
	expect(copied).toContain('nation');

	// What the editor did is in the exports and in the history.
	const srt = await download(page, 'srt');
	expect(srt).toContain('nation');
	expect(srt).not.toContain('country');
	await page.reload();
	await page.getByTestId('history-open').first().click();
	await expect.poll(text).toBe(original.replaceAll('country', 'nation'));
});
