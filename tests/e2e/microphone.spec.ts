/**
 * @file Recording from the microphone. Chromium's fake capture device plays a real recording
 * into getUserMedia, so the real recorder, decoder and model hear real speech.
 */
import { chromium, expect, test, type LaunchOptions } from '@playwright/test';
import { evalAudioPath, recording } from '../support/eval-audio';
import { ffmpeg } from '../support/media';
import { wordErrorRate } from '../support/wer';
import { option } from '../support/options';

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'the recorder does not depend on the device; the WASM project covers it');
});

/** Chromium with a microphone that plays `file`; `--use-fake-ui…` answers the permission prompt with yes. */
async function launchWithMicrophone(launchOptions: LaunchOptions, file: string, acceptPrompt: boolean) {
	return chromium.launch({
		...launchOptions,
		args: [
			...(launchOptions.args ?? []),
			...(acceptPrompt ? ['--use-fake-ui-for-media-stream'] : []),
			'--use-fake-device-for-media-stream',
			`--use-file-for-fake-audio-capture=${file}`
		]
	});
}

test('records speech from the microphone and transcribes it', async ({ baseURL, launchOptions }, testInfo) => {
	const jfk = recording('en_jfk.wav');
	// The fake device loops its file: 5 s of silence after the speech keep the loop's restart out.
	const speechThenSilence = testInfo.outputPath('jfk-padded.wav');
	ffmpeg('-i', await evalAudioPath(jfk.file), '-af', 'apad=pad_dur=5', speechThenSilence);
	const browser = await launchWithMicrophone(launchOptions, speechThenSilence, true);
	try {
		const context = await browser.newContext({ baseURL, permissions: ['microphone'] });
		const page = await context.newPage();
		await page.goto('/');
		await (await option(page, 'model-select')).selectOption('tiny.en');
		await page.getByTestId('record-start').click();
		await expect(page.getByTestId('record-level')).toBeVisible();
		// The fake device plays the 11 s recording from the start of capture; take it all.
		await expect(page.getByTestId('record-time')).toHaveText(/^1[2-5] s$/, { timeout: 30_000 });
		await page.getByTestId('record-stop').click();
		await expect(page.getByTestId('segments')).toBeVisible({ timeout: 120_000 });
		const heard = (await page.getByTestId('segment-text').allTextContents()).join(' ');
		// The speech passed through the browser's Opus encoder: allow a little more than for the file.
		expect(wordErrorRate(jfk.reference, heard), heard).toBeLessThanOrEqual(0.2);
		await expect(page.getByTestId('history-entry').first()).toContainText(/recording-.*\.webm/);
	} finally {
		await browser.close();
	}
});

test('shows live captions while recording, each line soon after its sentence ends, then transcribes the whole recording', async ({
	baseURL,
	launchOptions
}, testInfo) => {
	const jfk = recording('en_jfk.wav');
	const speechThenSilence = testInfo.outputPath('jfk-padded.wav');
	// 10 s of silence after the speech: time for the captions to catch up before the loop restarts.
	ffmpeg('-i', await evalAudioPath(jfk.file), '-af', 'apad=pad_dur=10', speechThenSilence);
	const browser = await launchWithMicrophone(launchOptions, speechThenSilence, true);
	try {
		const page = await (await browser.newContext({ baseURL, permissions: ['microphone'] })).newPage();
		await page.goto('/');
		await (await option(page, 'model-select')).selectOption('tiny.en');
		await expect(page.getByTestId('live-toggle')).toBeChecked(); // on by default
		await page.getByTestId('record-start').click();
		await expect(page.getByTestId('live')).toBeVisible();
		// Text before the recording stops: the first sentence ends 2.4 s in; the model loads meanwhile.
		await expect(page.getByTestId('live-line').first()).not.toBeEmpty({ timeout: 20_000 });
		const secondsAtFirstLine = parseInt((await page.getByTestId('record-time').textContent()) ?? '', 10);
		await expect(page.getByTestId('record-time')).toHaveText(/^(19|20) s$/, { timeout: 30_000 });
		const lines = await page.getByTestId('live-line').evaluateAll((items) =>
			items.map((item) => ({
				text: item.textContent ?? '',
				span: item.getAttribute('data-span'),
				computeSeconds: Number(item.getAttribute('data-compute')),
				delaySeconds: Number(item.getAttribute('data-delay'))
			}))
		);
		console.log(`[live] tiny.en, WASM: first line on screen ${secondsAtFirstLine} s into the recording`);
		for (const line of lines) {
			console.log(
				`[live] ${line.span} s "${line.text}": ${line.delaySeconds.toFixed(2)} s after its speech ended, ${line.computeSeconds.toFixed(2)} s to decode`
			);
		}
		const text = lines.map((line) => line.text).join(' ');
		expect(lines.length).toBeGreaterThanOrEqual(2);
		// Short utterances heard one by one by tiny.en: rougher than the whole recording's transcript below.
		expect(wordErrorRate(jfk.reference, text), text).toBeLessThanOrEqual(0.5);
		for (const line of lines) expect(line.delaySeconds).toBeGreaterThan(0);
		// The page warns when the device does not keep up: a line after the first (which waited for the model to load) over 4 s late.
		const late = lines.slice(1).some((line) => line.delaySeconds > 4);
		await expect(page.getByTestId('live-too-slow')).toHaveCount(late ? 1 : 0);

		await page.getByTestId('record-stop').click();
		await expect(page.getByTestId('live')).toHaveCount(0);
		await expect(page.getByTestId('segments')).toBeVisible({ timeout: 120_000 });
		const heard = (await page.getByTestId('segment-text').allTextContents()).join(' ');
		expect(wordErrorRate(jfk.reference, heard), heard).toBeLessThanOrEqual(0.2);
	} finally {
		await browser.close();
	}
});

test('says clearly when microphone access is refused, and stays usable', async ({ baseURL, launchOptions }) => {
	const browser = await launchWithMicrophone(launchOptions, await evalAudioPath('en_jfk.wav'), false);
	try {
		// No permission granted: the prompt is dismissed, as when a person clicks "Block".
		const page = await (await browser.newContext({ baseURL, permissions: [] })).newPage();
		await page.goto('/');
		await page.getByTestId('record-start').click();
		await expect(page.getByTestId('record-error')).toContainText('Microphone access was refused');
		await expect(page.getByTestId('record-start')).toBeEnabled();
		await (await option(page, 'model-select')).selectOption('tiny.en');
		await page.getByTestId('file-input').setInputFiles(await evalAudioPath('en_ldc93s1_timit.wav'));
		await expect(page.getByTestId('segments')).toBeVisible({ timeout: 120_000 });
	} finally {
		await browser.close();
	}
});
