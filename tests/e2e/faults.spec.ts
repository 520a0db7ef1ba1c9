/**
 * @file Bad input and faults through the real page (WASM project): every case of the page corpus
 * (tests/support/page-corpus.ts) given to the file input; a model download cut in three ways; the
 * site's storage quota used up; a worker that runs out of memory, throws outside a call, or is
 * ended by the browser. Each time: a transcript, or a message from the failure table with no raw
 * engine text in it; and the page takes the next file.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page, type Worker } from '@playwright/test';
import { failureText, LOCALES, type FailureCode } from '../../src/lib/browser/i18n/messages';
import { evalAudioPath } from '../support/eval-audio';
import { concatAudio } from '../support/media';
import { GOOD_FILE, makeCase, PAGE_CORPUS, type PageCase } from '../support/page-corpus';
import { normalizeWords } from '../support/wer';
import { option } from '../support/options';

const MODEL = 'tiny.en';
/** Model download and load, then decoding, on two busy cores. */
const TRANSCRIBE_TIMEOUT_MS = 5 * 60_000;
/** Text a person must never be shown as the message: Emscripten aborts, engine internals, stack frames. */
const RAW = /Aborted\(|RuntimeError|Error:|ERROR_CODE|local_files_only|\bat \S+ \(|\.js:\d+/;
const en = LOCALES.en;

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'input and faults do not depend on the device; the WASM project covers them');
});

/** The page shows the failure's message from the table, and nothing of the error's own text. */
async function expectFailure(page: Page, code: FailureCode): Promise<void> {
	const error = page.getByTestId('error');
	await expect(error).toHaveAttribute('data-code', code, { timeout: TRANSCRIBE_TIMEOUT_MS });
	await expect(error).toHaveText(failureText(en, { code }));
	expect(await error.textContent()).not.toMatch(RAW);
	await expect(page.getByTestId('progress')).toHaveCount(0);
	await expect(page.getByTestId('segments')).toHaveCount(0);
	await expect(page.getByTestId('file-input')).toBeEnabled();
}

/** Waits for the transcript of `name` and returns its text. */
async function transcriptOf(page: Page, name: string): Promise<string> {
	await expect(page.getByTestId('summary')).toContainText(`${name}:`, { timeout: TRANSCRIBE_TIMEOUT_MS });
	await expect(page.getByTestId('error')).toHaveCount(0);
	return (await page.getByTestId('segment-text').allTextContents()).join(' ');
}

/** The page still works: the good recording transcribes. */
async function transcribesGoodFile(page: Page): Promise<void> {
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(GOOD_FILE.file));
	expect(await transcriptOf(page, GOOD_FILE.file)).toMatch(GOOD_FILE.heard);
}

const isEngine = (worker: Worker) => worker.url().includes('transcribe.worker');

/** The names of the model files in transformers.js's Cache Storage bucket. */
const cachedModelFiles = (page: Page) =>
	page.evaluate(async () =>
		(await (await caches.open('transformers-cache')).keys()).map((request) => request.url).filter((url) => url.includes('/models/'))
	);

test.describe('bad input through the file input', () => {
	// One page for the whole table, so that the model loads once.
	let page: Page;
	test.beforeAll(async ({ browser }, testInfo) => {
		test.skip(testInfo.project.name !== 'wasm', 'input does not depend on the device');
		page = await browser.newPage({ baseURL: testInfo.project.use.baseURL, acceptDownloads: true });
		await page.goto('/');
		await (await option(page, 'model-select')).selectOption(MODEL);
	});
	test.afterAll(async () => page?.close());

	const expectation = ({ expected }: PageCase) =>
		expected.kind === 'failure' ? `says "${expected.code}"` : expected.maxWords === 0 ? 'finds no speech' : 'transcribes';

	for (const entry of PAGE_CORPUS) {
		test(`${entry.id}: ${expectation(entry)}, then takes the next file`, async ({}, testInfo) => {
			test.fail(entry.knownBug !== undefined, entry.knownBug);
			const file = await makeCase(entry, testInfo.outputDir);
			await page.getByTestId('file-input').setInputFiles({ name: entry.name, mimeType: entry.mimeType, buffer: readFileSync(file) });
			const { expected } = entry;
			if (expected.kind === 'failure') {
				await expectFailure(page, expected.code);
			} else {
				const text = await transcriptOf(page, entry.name);
				console.log(`[wasm] ${entry.id}: "${text}"`);
				if (expected.heard) expect(text).toMatch(expected.heard);
				if (expected.maxWords !== undefined) expect(normalizeWords(text).length, text).toBeLessThanOrEqual(expected.maxWords);
				if (expected.maxWords === 0) await expect(page.getByTestId('no-speech')).toHaveText(en.noSpeech);
				// The name is only a name: shown and kept as given, and exports are named after it.
				await expect(page.getByTestId('history-entry').first()).toContainText(entry.name);
				const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-txt').click()]);
				console.log(`[wasm] ${entry.id}: exported as "${download.suggestedFilename()}"`);
				const base = entry.name.replace(/\.[^.]+$/, '');
				expect(download.suggestedFilename()).not.toMatch(/[/\\]|^\.\./);
				expect(download.suggestedFilename()).toContain(base.split('/').at(-1)!.trim());
			}
			await transcribesGoodFile(page);
		});
	}
});

/**
 * A server that answers with the whole file's length, sends half of it and drops the connection:
 * a download cut mid-way as the browser sees it (route.fulfill can only send a whole body).
 */
async function startCuttingServer(origin: string): Promise<{ server: Server; url: string }> {
	const server = createServer(async (request, response) => {
		const body = Buffer.from(await (await fetch(new URL(request.url!, origin))).arrayBuffer());
		response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
		response.write(body.subarray(0, body.length >> 1), () => response.socket?.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test.describe('a model download cut', () => {
	// The files the page downloads from our server: the encoder (streamed into the model cache
	// for transformers.js to read), the fixed-capacity decoder and its vocabulary's table (read
	// whole, then cached).
	const graphUrl = (graph: string) => `**/models/whisper-${MODEL}/onnx/${graph}*`;
	// Half the file with a 200 and no validators, so that only transformers.js could keep it.
	const sendHalf = (page: Page, graph: string) =>
		page.route(graph, async (route) => {
			const response = await route.fetch();
			const body = await response.body();
			const { etag: _etag, 'last-modified': _modified, ...headers } = response.headers();
			await route.fulfill({ status: 200, headers: { ...headers, 'cache-control': 'no-store' }, body: body.subarray(0, body.length >> 1) });
		});
	let cutting: { server: Server; url: string } | undefined;
	test.afterAll(() => cutting?.server.close());

	const CUTS: Array<{ how: string; graph: string; cut: (page: Page, url: string) => Promise<unknown> }> = [
		{
			how: 'mid-way (the connection drops after half the bytes)',
			graph: 'encoder_model',
			cut: async (page, graph) => {
				cutting ??= await startCuttingServer(new URL(page.url()).origin);
				const { url } = cutting;
				await page.route(graph, (route) => route.continue({ url: url + new URL(route.request().url()).pathname }));
			}
		},
		{
			how: 'before the first byte (connection reset)',
			graph: 'decoder_fixed_cache_hidden_model',
			cut: (page, graph) => page.route(graph, (route) => route.abort('connectionreset'))
		},
		{ how: 'short, sent as if whole', graph: 'decoder_fixed_cache_hidden_model', cut: sendHalf },
		{ how: 'short, sent as if whole', graph: 'vocabulary_quantized', cut: sendHalf }
	];

	for (const { how, graph, cut } of CUTS) {
		test(`${how}, ${graph}: a clear message, a retry that works, and no broken model kept`, async ({ page }) => {
			await page.goto('/');
			await (await option(page, 'model-select')).selectOption(MODEL);
			await cut(page, graphUrl(graph));
			await page.getByTestId('file-input').setInputFiles(await evalAudioPath(GOOD_FILE.file));
			await expectFailure(page, 'model-load');
			expect((await cachedModelFiles(page)).filter((url) => url.includes(graph))).toEqual([]);

			// The network is back: "Try again" downloads the model whole and transcribes.
			await page.unrouteAll();
			await page.getByTestId('retry').click();
			expect(await transcriptOf(page, GOOD_FILE.file)).toMatch(GOOD_FILE.heard);

			// What was kept is whole: after a reload the model loads from the cache.
			await page.reload();
			await (await option(page, 'model-select')).selectOption(MODEL);
			await expect(page.getByTestId('model-size')).toHaveText(en.cached);
			await transcribesGoodFile(page);
		});
	}
});

test('storage full: the transcript is shown and downloadable, and the page says what was not kept and what to do', async ({ page }) => {
	await page.goto('/');
	const origin = new URL(page.url()).origin;
	const cdp = await page.context().newCDPSession(page);
	// One byte: every write to Cache Storage and IndexedDB fails. (64 KB was not always less than
	// the page had used: a fresh profile could still fit a short transcript's history entry; and 0
	// reads as "no override".)
	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
	await (await option(page, 'model-select')).selectOption(MODEL);
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath(GOOD_FILE.file));
	const text = await transcriptOf(page, GOOD_FILE.file);
	expect(text).toMatch(GOOD_FILE.heard);
	const notices = page.getByTestId('notice');
	await expect(notices.and(page.locator('[data-code="storage-full"]'))).toHaveText(failureText(en, { code: 'storage-full' }));
	await expect(notices.and(page.locator('[data-code="model-not-stored"]'))).toHaveText(failureText(en, { code: 'model-not-stored' }));
	await expect(page.getByTestId('history-entry')).toHaveCount(0);
	// The transcript that could not be kept can still be downloaded.
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-txt').click()]);
	expect(readFileSync(await download.path(), 'utf8')).toMatch(GOOD_FILE.heard);

	// Space freed (the browser's own quota back): the next transcript is kept again.
	await cdp.send('Storage.overrideQuotaForOrigin', { origin });
	await page
		.getByTestId('file-input')
		.setInputFiles({ name: 'again.wav', mimeType: 'audio/wav', buffer: readFileSync(await evalAudioPath(GOOD_FILE.file)) });
	expect(await transcriptOf(page, 'again.wav')).toMatch(GOOD_FILE.heard);
	await expect(page.locator('[data-code="storage-full"]')).toHaveCount(0);
	await expect(page.getByTestId('history-entry').filter({ hasText: 'again.wav' })).toHaveCount(1);
});

test.describe('a worker that runs out of memory', () => {
	/** 40 s of speech: two windows, so the worker is still busy well after the first one shows. */
	const longSpeech = async (target: string) => {
		const jfk = await evalAudioPath('en_jfk.wav');
		return concatAudio([jfk, jfk, jfk], target, { gapSeconds: 2 });
	};

	test('the model does not fit: out-of-memory, the download is kept, and a new worker takes the retry', async ({ page }) => {
		await page.goto('/');
		await (await option(page, 'model-select')).selectOption(MODEL);
		const engine = page.waitForEvent('worker', { predicate: isEngine });
		await page.getByTestId('file-input').setInputFiles(await evalAudioPath(GOOD_FILE.file));
		// The worker's WASM heap cannot grow, as when the browser refuses it more memory: the
		// model's weights do not fit (it is still downloading when this lands).
		await (
			await engine
		).evaluate(() => {
			WebAssembly.Memory.prototype.grow = () => {
				throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
			};
		});
		await expectFailure(page, 'out-of-memory');
		await expect(page.getByTestId('error-technical')).toContainText('allocate');
		// The download was fine: it stays cached, nothing is fetched again. (The fixed-capacity
		// decoder's first file, its vocabulary's table, is cached before its kernel's memory grows.)
		expect((await cachedModelFiles(page)).some((url) => url.includes('vocabulary_quantized.safetensors'))).toBe(true);
		await page.getByTestId('retry').click();
		expect(await transcriptOf(page, GOOD_FILE.file)).toMatch(GOOD_FILE.heard);
	});

	test('the browser ends the worker mid-transcription: a clear message at once, and the next file gets a new worker', async ({
		page
	}, testInfo) => {
		const long = await longSpeech(testInfo.outputPath('three-readings.wav'));
		await page.goto('/');
		await (await option(page, 'model-select')).selectOption(MODEL);
		const engine = page.waitForEvent('worker', { predicate: isEngine });
		await page.getByTestId('file-input').setInputFiles(long);
		await expect(page.getByTestId('cancel')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });
		// The worker ends without a word, as a browser ends a worker past its memory; it closes
		// after the first window, so the next window's samples never reach it.
		await (await engine).evaluate(() => void setTimeout(() => self.close(), 0));
		await expectFailure(page, 'worker-lost');
		await transcribesGoodFile(page);
	});

	test('an out-of-memory abort thrown outside any call (as onnxruntime threads do) fails the run instead of hanging it', async ({
		page
	}, testInfo) => {
		const long = await longSpeech(testInfo.outputPath('three-readings.wav'));
		await page.goto('/');
		await (await option(page, 'model-select')).selectOption(MODEL);
		const engine = page.waitForEvent('worker', { predicate: isEngine });
		await page.getByTestId('file-input').setInputFiles(long);
		await expect(page.getByTestId('cancel')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });
		await (
			await engine
		).evaluate(
			() =>
				void setTimeout(() => {
					throw new WebAssembly.RuntimeError('Aborted(OOM). Build with -sASSERTIONS for more info.');
				}, 0)
		);
		await expectFailure(page, 'out-of-memory');
		await transcribesGoodFile(page);
	});
});
