/**
 * @file A person drops the JFK recording into the real page and reads the transcript computed
 * by the real tiny.en model in the browser; then downloads subtitles that ffmpeg can parse.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { evalAudioPath, recording } from '../support/eval-audio';
import { ffmpeg } from '../support/media';
import { wordErrorRate } from '../support/wer';
import { option } from '../support/options';

const MAX_WER = 0.1;
/** Model load plus decoding; SwiftShader's emulated GPU is the slow case. */
const TRANSCRIBE_TIMEOUT_MS = 8 * 60_000;

test('transcribes the JFK recording and exports srt, vtt and txt', async ({ page }, testInfo) => {
	const jfk = recording('en_jfk.wav');
	const graphs: string[] = [];
	page.on('request', (request) => graphs.push(request.url().split('/').at(-1)!));
	// Every line the progress bar shows, as the user would have read it.
	await page.addInitScript(() => {
		const seen: string[] = ((window as unknown as { progressSeen: string[] }).progressSeen = []);
		new MutationObserver(() => {
			const label = document.querySelector('[data-testid="progress"] .label')?.textContent?.trim();
			if (label && seen.at(-1) !== label) seen.push(label);
		}).observe(document, { subtree: true, childList: true, characterData: true });
	});
	await page.goto('/');

	const expectedDevice = testInfo.project.name === 'webgpu' ? /^WebGPU/ : /^WASM$/;
	await expect(page.getByTestId('device-label')).toHaveText(expectedDevice);
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

	await (await option(page, 'model-select')).selectOption('tiny.en');
	await expect(page.getByTestId('model-size')).toContainText(/MB to download|Downloaded already/);
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(jfk.file));
	await expect(page.getByTestId('progress')).toBeVisible();
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });

	const text = (await page.getByTestId('segment-text').allTextContents()).join(' ');
	const wer = wordErrorRate(jfk.reference, text);
	// Printed so that CI logs record what each device heard and how long it took.
	console.log(`[${testInfo.project.name}] ${await page.getByTestId('summary').textContent()}\n[${testInfo.project.name}] ${text}`);
	expect(wer, `transcript: ${text}`).toBeLessThanOrEqual(MAX_WER);
	// On WASM the decoder whose cache stays in place runs (our server's models have it), without
	// its vocabulary, which the page projects itself from the table; WebGPU keeps the merged
	// decoder, whose cache stays on the GPU.
	const fixedCache = [
		'cross_kv_model_quantized.onnx',
		'decoder_fixed_cache_hidden_model_quantized.onnx',
		'vocabulary_quantized.safetensors'
	];
	if (testInfo.project.name === 'webgpu') expect(graphs).not.toContain(fixedCache[1]);
	else {
		expect(graphs).toEqual(expect.arrayContaining(fixedCache));
		// It also times words, so the merged decoder is not loaded, nor even asked for (as
		// transformers.js's download progress would), nor kept in the model cache.
		expect(graphs.filter((graph) => graph.startsWith('decoder_model_merged'))).toEqual([]);
		// The download shows its progress for the encoder and for the decoder's graphs alike.
		const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen.join('\n'));
		for (const graph of ['encoder_model_quantized.onnx', ...fixedCache]) expect(seen).toContain(`Downloading onnx/${graph}`);
		// Its buffers live in onnxruntime-web's heap (src/lib/browser/ort-heap.ts): the runtime's
		// factory came through the module that hands the runtime to the worker.
		expect(graphs.some((name) => name.startsWith('ort-wasm-capture.mjs?factory='))).toBe(true);
		const engine = page.workers().find((worker) => worker.url().includes('transcribe.worker'));
		expect(await engine?.evaluate(() => typeof (globalThis as Record<string, unknown>).__koeOnnxRuntimeWasm)).toBe('object');
		const cached = await page.evaluate(async () => (await (await caches.open('transformers-cache')).keys()).map((r) => r.url));
		expect(cached.filter((url) => url.includes('/onnx/decoder_fixed_cache_'))).toHaveLength(1);
		expect(graphs).not.toContain('decoder_fixed_cache_model_quantized.onnx');
		expect(cached.filter((url) => url.includes('/onnx/decoder_model_merged'))).toEqual([]);
	}
	// A WAV already at 16 kHz mono is read as it is: ffmpeg.wasm is not even fetched for it.
	expect(graphs.filter((name) => name.startsWith('ffmpeg-core'))).toEqual([]);
	// Only WebGPU's provider needs onnxruntime-web's asyncify build, slower on every call.
	const runtimes = graphs.filter((name) => /^ort-wasm-simd-threaded.*\.wasm$/.test(name));
	expect(runtimes).not.toHaveLength(0);
	for (const name of runtimes) expect(name.includes('asyncify'), name).toBe(testInfo.project.name === 'webgpu');

	const srtPath = await download(page, 'srt', testInfo.outputPath('jfk.srt'));
	// ffmpeg parses the subtitles and re-muxes them; a malformed file makes it fail.
	ffmpeg('-i', srtPath, '-f', 'srt', testInfo.outputPath('roundtrip.srt'));
	const cues = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', srtPath], {
		encoding: 'utf8'
	});
	expect(cues.trim().split('\n').length).toBeGreaterThan(0);

	const vttPath = await download(page, 'vtt', testInfo.outputPath('jfk.vtt'));
	ffmpeg('-i', vttPath, '-f', 'webvtt', testInfo.outputPath('roundtrip.vtt'));
	const txtPath = await download(page, 'txt', testInfo.outputPath('jfk.txt'));
	expect(wordErrorRate(jfk.reference, execFileSync('cat', [txtPath], { encoding: 'utf8' }))).toBeLessThanOrEqual(MAX_WER);
});

async function download(page: import('@playwright/test').Page, format: string, target: string): Promise<string> {
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-${format}`).click()]);
	expect(file.suggestedFilename()).toBe(`en_jfk.${format}`);
	await file.saveAs(target);
	return target;
}

test('says clearly when a file is not media, is empty, is corrupt or has no sound, and stays usable', async ({ page }, testInfo) => {
	test.skip(testInfo.project.name === 'webgpu', 'decoding does not depend on the device; the WASM project covers it');
	await page.goto('/');
	await expect(page.getByTestId('device-label')).toBeVisible();

	const notMedia = testInfo.outputPath('notes.txt');
	writeFileSync(notMedia, 'These are my meeting notes, not a recording.\n');
	await page.getByTestId('file-input').setInputFiles(notMedia);
	await expect(page.getByTestId('error')).toContainText('could not read this file as audio or video');

	const empty = testInfo.outputPath('empty.mp3');
	writeFileSync(empty, '');
	await page.getByTestId('file-input').setInputFiles(empty);
	await expect(page.getByTestId('error')).toContainText('This file is empty');

	// A FLAC file whose stream header is followed by garbage instead of audio frames.
	const corrupt = testInfo.outputPath('corrupt.flac');
	writeFileSync(corrupt, Buffer.concat([Buffer.from('fLaC\0\0\0\x22', 'latin1'), Buffer.alloc(4096, 0x5a)]));
	await page.getByTestId('file-input').setInputFiles(corrupt);
	await expect(page.getByTestId('error')).toContainText('could not read this file as audio or video');

	// A video with a picture and no sound.
	const silentVideo = testInfo.outputPath('no-audio.mkv');
	ffmpeg('-f', 'lavfi', '-i', 'color=c=navy:s=64x64:d=1', '-c:v', 'ffv1', silentVideo);
	await page.getByTestId('file-input').setInputFiles(silentVideo);
	await expect(page.getByTestId('error')).toContainText('no audio track');

	// The page still works for the next file.
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath('en_ldc93s1_timit.wav'));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });
	await expect(page.getByTestId('error')).toHaveCount(0);
});

test('the next file finds ffmpeg.wasm already started', async ({ page }, testInfo) => {
	test.skip(testInfo.project.name === 'webgpu', 'decoding does not depend on the device; the WASM project covers it');
	// Each ffmpeg.wasm instance runs in a worker of its own; the others are the transcription
	// worker and onnxruntime-web's threads.
	const ffmpegWorkers: string[] = [];
	page.on('worker', (worker) => {
		if (!/transcribe\.worker|ort-wasm/.test(worker.url())) ffmpegWorkers.push(worker.url());
	});
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	const transcribe = async (file: string) => {
		await page.getByTestId('file-input').setInputFiles(await evalAudioPath(file));
		await expect(page.getByTestId('history-entry').filter({ hasText: file })).toHaveCount(1, { timeout: TRANSCRIBE_TIMEOUT_MS });
	};
	// Nothing is started before a file needs it.
	expect(ffmpegWorkers).toEqual([]);
	await transcribe('en_jfk.mp3');
	// Once the file is done, the next file's ffmpeg starts, before there is a next file.
	await expect.poll(() => ffmpegWorkers.length).toBe(2);
	await transcribe('en_librispeech_2412-153948-0000.flac');
	await expect(page.getByTestId('segment-text').first()).toContainText('reader');
	// It decoded with that one; a third waits for the file after it.
	await expect.poll(() => ffmpegWorkers.length).toBe(3);
});

test('keeps finished transcripts across a reload: reopen, rename, delete', async ({ page }, testInfo) => {
	test.skip(testInfo.project.name === 'webgpu', 'history does not depend on the device; the WASM project covers it');
	const timit = recording('en_ldc93s1_timit.wav');
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(timit.file));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });
	const heard = (await page.getByTestId('segment-text').allTextContents()).join(' ');

	await page.reload();
	// The model choice persisted too.
	await expect(await option(page, 'model-select')).toHaveValue('tiny.en');
	const entry = page.getByTestId('history-entry').filter({ hasText: timit.file });
	await expect(entry).toHaveCount(1);
	await entry.getByTestId('history-open').click();
	await expect(page.getByTestId('segment-text').first()).toBeVisible();
	expect((await page.getByTestId('segment-text').allTextContents()).join(' ')).toBe(heard);

	await entry.getByTestId('history-rename').click();
	await page.getByTestId('rename-input').fill('Dark suit sample');
	await page.getByTestId('rename-input').press('Enter');
	await page.reload();
	const renamed = page.getByTestId('history-entry').filter({ hasText: 'Dark suit sample' });
	await expect(renamed).toHaveCount(1);

	await renamed.getByTestId('history-delete').click();
	await expect(page.getByTestId('history-entry').filter({ hasText: 'Dark suit sample' })).toHaveCount(0);
	await page.reload();
	await expect(page.getByTestId('history-entry').filter({ hasText: 'Dark suit sample' })).toHaveCount(0);
});

test('a model download cut off mid-way gets a clear message, keeps the history, and the next try works', async ({ page }, testInfo) => {
	test.skip(testInfo.project.name === 'webgpu', 'downloads do not depend on the device; the WASM project covers it');
	const timit = recording('en_ldc93s1_timit.wav');
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(timit.file));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });

	// The connection drops half-way through base's decoder (the fixed-capacity one, which the page
	// loads from our server): the browser gets half the file (without validators, so that the HTTP
	// cache does not keep it as the real thing).
	const decoder = '**/whisper-base/onnx/decoder_fixed_cache_*.onnx';
	await page.route(decoder, async (route) => {
		const response = await route.fetch();
		const body = await response.body();
		const { etag: _etag, 'last-modified': _modified, ...headers } = response.headers();
		await route.fulfill({ status: 200, headers: { ...headers, 'cache-control': 'no-store' }, body: body.subarray(0, body.length >> 1) });
	});
	await (await option(page, 'model-select')).selectOption('base');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath('en_jfk.wav'));
	await expect(page.getByTestId('error')).toContainText('could not be loaded', { timeout: TRANSCRIBE_TIMEOUT_MS });
	await expect(page.getByTestId('history-entry').filter({ hasText: timit.file })).toHaveCount(1);

	// The cut-off file must not have been cached: with the network back, the same model works.
	await page.unroute(decoder);
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath('en_jfk.wav'));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });
	await expect(page.getByTestId('error')).toHaveCount(0);
	expect((await page.getByTestId('segment-text').allTextContents()).join(' ')).toMatch(/ask not what your country/i);
});

test('reviews against the media: click to seek, highlight while playing, edit before export', async ({ page }, testInfo) => {
	test.skip(testInfo.project.name === 'webgpu', 'review does not depend on the device; the WASM project covers it');
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath('en_jfk.wav'));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });
	const segments = page.getByTestId('segment');
	expect(await segments.count()).toBeGreaterThanOrEqual(2);

	// Clicking the second segment seeks the player to its start and highlights it.
	await segments.nth(1).getByTestId('segment-text').click();
	const position = await page.getByTestId('player').evaluate((el) => (el as HTMLMediaElement).currentTime);
	expect(position).toBeGreaterThan(1);
	await expect(segments.nth(1)).toHaveClass(/active/);
	await page.getByTestId('player').evaluate((el) => (el as HTMLMediaElement).pause());

	// A hand edit shows at once, goes into every export, and is kept in the history.
	await segments.nth(0).getByTestId('segment-edit').click();
	await page.getByTestId('segment-editor').fill('And so, my fellow Koe users,');
	await page.getByTestId('segment-save').click();
	await expect(segments.nth(0).getByTestId('segment-text')).toHaveText('And so, my fellow Koe users,');
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-srt').click()]);
	const srt = readFileSync(await file.path(), 'utf8');
	// The cues' text, read as one: the layout may break the edited words over lines or cues.
	const spoken = srt.split('\n').filter((line) => line && !/^\d+$/.test(line) && !line.includes(' --> '));
	expect(spoken.join(' ')).toContain('And so, my fellow Koe users,');

	await page.reload();
	await page.getByTestId('history-open').first().click();
	await expect(page.getByTestId('segment-text').first()).toHaveText('And so, my fellow Koe users,');
});
