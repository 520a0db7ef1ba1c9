/**
 * @file Koe's browser path for the comparison: the built app in headless Chromium, driven like a
 * user (choose the model, drop each file), on WASM or on WebGPU through SwiftShader (a CPU
 * emulation of a GPU). A file's time runs from choosing it to the transcript on screen: media
 * decoding in ffmpeg.wasm, messaging with the worker and the transcription. The model load (and
 * ffmpeg.wasm's) is the first file's extra time over a second run of that same file. Memory is the
 * tab's: the resident memory of the largest renderer process, sampled every 200 ms. The page's word
 * timing and "Skip silence" (on by default there) are turned off, as for the other engines.
 */
import { chromium } from '@playwright/test';
import { speechWavLength } from '../../src/lib/server/wav';
import { chromiumPath, quietChromium, swiftShaderWebGpu } from '../../tests/support/chromium';
import { option } from '../../tests/support/options';
import { tabRssMb } from '../machine';
import type { WorkItem } from '../workload';

export interface BrowserRun {
	device: 'wasm' | 'webgpu';
	model: string;
	items: WorkItem[];
	/** The page's base URL (a running `npm start`). */
	url: string;
}

export interface BrowserResult {
	loadSeconds: number;
	/** The dtypes the page chose for this device, as it reports them. */
	deviceLabel: string;
	files: Array<{ item: WorkItem; seconds: number; peakRssMb: number; text: string }>;
}

export async function runInBrowser({ device, model, items, url }: BrowserRun): Promise<BrowserResult> {
	const browser = await chromium.launch({
		executablePath: chromiumPath,
		args: device === 'webgpu' ? [...quietChromium, ...swiftShaderWebGpu] : quietChromium
	});
	try {
		const page = await browser.newPage();
		await page.goto(url);
		await (await option(page, 'model-select')).selectOption(model);
		for (const onByDefault of ['word-timestamps', 'skip-silence']) await (await option(page, onByDefault)).setChecked(false);
		const deviceLabel = (await page.getByTestId('device-label').textContent())?.trim() ?? device;
		let runs = 0;
		const transcribe = async (item: WorkItem) => {
			// The language is given, as to the other engines (English-only models have no choice).
			if (!model.endsWith('.en')) await page.getByTestId('language-select').selectOption(item.language);
			let peak = tabRssMb();
			const sampler = setInterval(() => (peak = Math.max(peak, tabRssMb())), 200);
			const started = performance.now();
			await page.getByTestId('file-input').setInputFiles(item.path);
			// Each finished run adds a history entry (runs of the same file differ by their count),
			// looked for every frame: polling every 100 ms added 50 ms to each file on average.
			runs++;
			await page.waitForFunction(
				(count) =>
					document.querySelectorAll('[data-testid="history-entry"]').length >= count || document.querySelector('[data-testid="error"]'),
				runs,
				{ timeout: 3 * 60 * 60_000, polling: 'raf' }
			);
			const error = page.getByTestId('error');
			if (await error.count()) throw new Error(`${item.name}: ${await error.textContent()}`);
			const seconds = (performance.now() - started) / 1000;
			clearInterval(sampler);
			const text = (await page.getByTestId('segment-text').allTextContents()).join(' ');
			return { item, seconds, peakRssMb: peak, text };
		};
		// Warm up on the shortest file that the page decodes with ffmpeg.wasm (any but a 16 kHz mono
		// WAV): its first run includes loading the model and ffmpeg.wasm, the second neither.
		// The page reads a file without ffmpeg.wasm where the server does (core/wav.ts): its header says.
		const byLength = [...items].sort((a, b) => a.audioSeconds - b.audioSeconds);
		const readAsIs = await Promise.all(byLength.map(async (item) => (await speechWavLength(item.path)) !== null));
		const warmUp = byLength.find((_, i) => !readAsIs[i]) ?? byLength[0]!;
		const cold = await transcribe(warmUp);
		const warm = await transcribe(warmUp);
		const files = [];
		for (const item of items) files.push(item === warmUp ? warm : await transcribe(item));
		return { loadSeconds: Math.max(0, cold.seconds - warm.seconds), deviceLabel, files };
	} finally {
		await browser.close();
	}
}
