/**
 * @file The transcriber's promises in the real page with the real models (WASM project):
 * languages detected and translated, hours-long media handled in windows, video, cancel, and
 * exports that other tools accept.
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv/dist/2020.js';
import { expect, test, type Page } from '@playwright/test';
import { findLanguage } from '../../src/lib/core/languages';
import schema from '../../src/lib/core/writers/transcript.schema.json' with { type: 'json' };
import { evalAudioPath, readManifest, recording } from '../support/eval-audio';
import { concatAudio, ffmpeg, makeVideo } from '../support/media';
import { normalizeWords, wordErrorRate } from '../support/wer';
import { option } from '../support/options';

const MODEL_TIMEOUT_MS = 5 * 60_000;

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'device-independent behaviour: the WASM project covers it');
});

async function transcribeFile(page: Page, model: string, file: string, timeout = MODEL_TIMEOUT_MS): Promise<void> {
	await (await option(page, 'model-select')).selectOption(model);
	await page.getByTestId('file-input').setInputFiles(file);
	await expect(page.getByTestId('segments')).toBeVisible({ timeout });
}

async function downloadText(page: Page, format: string): Promise<string> {
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-${format}`).click()]);
	return readFileSync(await file.path(), 'utf8');
}

const title = (code: string) => {
	const name = findLanguage(code)!.name;
	return name.charAt(0).toUpperCase() + name.slice(1);
};

test('detects the language of each non-English recording, with its confidence', async ({ page }) => {
	test.setTimeout(10 * 60_000);
	await page.goto('/');
	await (await option(page, 'language-select')).selectOption('');
	for (const entry of readManifest().filter((r) => r.language !== 'en')) {
		await transcribeFile(page, 'base', await evalAudioPath(entry.file));
		await expect(page.getByTestId('language'), entry.file).toContainText(`Language: ${title(entry.language)} (detected,`);
		const sure = Number(/(\d+)% sure/.exec((await page.getByTestId('language').textContent()) ?? '')?.[1]);
		expect(sure, entry.file).toBeGreaterThan(50);
		console.log(`[wasm] ${entry.file}: ${await page.getByTestId('language').textContent()}`);
	}
});

test('five beams, chosen in the options, transcribe in the page and are remembered', async ({ page }) => {
	const jfk = recording('en_jfk.wav');
	await page.goto('/');
	await expect(await option(page, 'beam-select')).toHaveValue('1'); // greedy by default
	await (await option(page, 'beam-select')).selectOption('5');
	await transcribeFile(page, 'tiny.en', await evalAudioPath(jfk.file));
	const text = (await page.getByTestId('segment-text').allTextContents()).join(' ');
	expect(wordErrorRate(jfk.reference, text), text).toBeLessThanOrEqual(0.1);
	console.log(`[wasm] 5 beams: ${await page.getByTestId('summary').textContent()}`);
	await page.reload();
	await expect(await option(page, 'beam-select')).toHaveValue('5');
});

test('translates German speech into English', async ({ page }) => {
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('base');
	await (await option(page, 'task-select')).selectOption('translate');
	await transcribeFile(page, 'base', await evalAudioPath('de_leopard.wav'));
	const text = normalizeWords((await page.getByTestId('segment-text').allTextContents()).join(' '));
	console.log(`[wasm] de_leopard.wav translated: ${text.join(' ')}`);
	expect(text.some((word) => ['the', 'this', 'was', 'used', 'as', 'room'].includes(word))).toBe(true);
	expect(text).not.toContain('der');
	expect(text).not.toContain('wurde');
});

test('a file of several minutes: windows meet without lost or doubled sentences, time only moves on', async ({ page }, testInfo) => {
	test.setTimeout(12 * 60_000);
	// 6.3 minutes: the sonnet reading five times, then JFK across the 5-minute decoding chunk's
	// join (299–310 s), then the sonnet once more, each part followed by 6.5 s of silence. JFK sat
	// at the file's end once: tiny.en in the page sometimes ends its last window early and drops
	// what follows, which is no join's fault.
	const sonnet = await evalAudioPath('en_librivox_sonnet001.mp3');
	const jfk = await evalAudioPath('en_jfk.wav');
	const long = concatAudio([...Array<string>(5).fill(sonnet), jfk, sonnet], testInfo.outputPath('long.mp3'), {
		gapSeconds: 6.5,
		outputArgs: ['-b:a', '64k']
	});

	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(long);
	await expect(page.getByTestId('time-left')).toBeVisible({ timeout: MODEL_TIMEOUT_MS });
	await expect(page.getByTestId('live-segments')).toBeVisible();
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: 10 * 60_000 });

	const json = JSON.parse(await downloadText(page, 'json')) as { segments: Array<{ start: number; end: number; text: string }> };
	let previousEnd = 0;
	let previousText = '';
	for (const segment of json.segments) {
		expect(segment.start).toBeGreaterThanOrEqual(previousEnd - 0.001);
		expect(segment.end).toBeGreaterThanOrEqual(segment.start);
		// The speech never pauses for long: a window lost where two chunks meet would leave a gap,
		// and one decoded twice would repeat its text.
		expect(segment.start - previousEnd, `gap before ${segment.start} s`).toBeLessThan(10);
		expect(segment.text.trim(), `repeated at ${segment.start} s`).not.toBe(previousText);
		previousEnd = segment.end;
		previousText = segment.text.trim();
	}
	expect(previousEnd).toBeGreaterThan(5 * 60);
	const afterJoin = json.segments.filter((s) => s.end > 5 * 60).map((s) => `[${s.start}] ${s.text.trim()}`);
	console.log(`[${testInfo.project.name}] after the 5-minute join: ${afterJoin.join(' ')}`);
	const words = normalizeWords(json.segments.map((s) => s.text).join(' ')).join(' ');
	const count = (phrase: string) => words.split(phrase).length - 1;
	// The sonnet's first line never more than once per reading (no window decoded twice), and JFK,
	// across the chunk join, exactly once. How many readings tiny.en hears is not asked: conditioned
	// on its own text it folds repeats of a looped reading into one another, and how many varies
	// from run to run with temperature fallback's random draws (6, 5 and 4 in three runs of the
	// same build); the gap check above is what finds audio lost at a join.
	expect(count('from fairest creatures we desire increase')).toBeLessThanOrEqual(6);
	expect(count('ask not what your country can do for you')).toBe(1);
});

test('transcribes the sound of a video file', async ({ page }, testInfo) => {
	const video = makeVideo(await evalAudioPath('en_jfk.wav'), testInfo.outputPath('talk.mp4'));
	await page.goto('/');
	await transcribeFile(page, 'tiny.en', video);
	const text = normalizeWords((await page.getByTestId('segment-text').allTextContents()).join(' ')).join(' ');
	expect(text).toContain('ask not what your country can do for you');
	await expect(page.locator('video[data-testid="player"]')).toBeVisible();
});

test('cancel stops the work within 2 seconds and keeps what was done', async ({ page }, testInfo) => {
	const long = testInfo.outputPath('long.wav');
	const sonnet = await evalAudioPath('en_librivox_sonnet001.mp3');
	ffmpeg('-stream_loop', '3', '-i', sonnet, '-ac', '1', '-ar', '16000', long);
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(long);
	await expect(page.getByTestId('live-segments')).toBeVisible({ timeout: MODEL_TIMEOUT_MS });
	const clicked = Date.now();
	await page.getByTestId('cancel').click();
	await expect(page.getByTestId('cancelled')).toBeVisible({ timeout: 2_000 });
	expect(Date.now() - clicked).toBeLessThan(2_000);
	await expect(page.getByTestId('progress')).toHaveCount(0);
	await expect(page.getByTestId('segments')).toBeVisible();
	await expect(page.getByTestId('history-entry').filter({ hasText: '(partial)' })).toHaveCount(1);
	// The page takes the next file.
	await transcribeFile(page, 'tiny.en', await evalAudioPath('en_ldc93s1_timit.wav'));
});

test('json output validates against the schema kept in the repo, with words when asked', async ({ page }) => {
	await page.goto('/');
	await (await option(page, 'word-timestamps')).check();
	await transcribeFile(page, 'tiny.en', await evalAudioPath(recording('en_jfk.wav').file));
	const json = JSON.parse(await downloadText(page, 'json'));
	const validate = new Ajv().compile(schema);
	expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
	expect(json.segments[0].words.length).toBeGreaterThan(3);
	expect(json.segments[0].avg_logprob).toBeLessThan(0);
});

test('writes Mandarin in Simplified characters when asked', async ({ page }) => {
	const { Converter } = await import('opencc-js/t2cn');
	const toSimplified = Converter({ from: 't', to: 'cn' });
	const mandarin = await evalAudioPath('zh_aishell1_BAC009S0764W0121.wav');
	await page.goto('/');
	// A prompt in Traditional characters makes Whisper answer in Traditional, as it often does unasked.
	await (await option(page, 'prompt-input')).fill('以下是繁體中文的句子。');
	await (await option(page, 'prompt-input')).blur();

	await transcribeFile(page, 'base', mandarin);
	const traditional = (await page.getByTestId('segment-text').allTextContents()).join('');
	expect(toSimplified(traditional), `the model wrote: ${traditional}`).not.toBe(traditional);

	await (await option(page, 'simplified-chinese')).check();
	await page.getByTestId('file-input').setInputFiles(mandarin);
	await expect(page.getByTestId('segments')).toBeHidden(); // the first result gave way to the new run
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: MODEL_TIMEOUT_MS });
	const text = (await page.getByTestId('segment-text').allTextContents()).join('');
	console.log(`[wasm] zh_aishell1: model wrote ${traditional}; with the option: ${text}`);
	expect(text.length).toBeGreaterThan(4);
	// Every character is Simplified: converting again changes nothing.
	expect(toSimplified(text)).toBe(text);
	expect(await downloadText(page, 'txt')).toContain(text.slice(0, 4));
});
