/**
 * @file `npm run bench -- long-media`: peak tab memory and wall time for a 10-minute and a
 * 60-minute file transcribed in the browser (headless Chromium, WASM, tiny.en q8). Needs
 * `npm run build` and the local models; starts its own server. Prints a Markdown table.
 *
 * Tab memory is the resident memory of the page's renderer process (the page and its workers
 * live there; it is the largest renderer), sampled every 500 ms; the peak is reported.
 */
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import { option } from '../tests/support/options';
import { describeMachine, tabRssMb, today } from './machine';
import { makeLongFile } from './speech';

const PORT = 9190;

async function measure(file: string, minutes: number) {
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run']
	});
	const page = await browser.newPage();
	await page.goto(`http://localhost:${PORT}/`);
	await (await option(page, 'model-select')).selectOption('tiny.en');
	let peak = 0;
	const sampler = setInterval(() => (peak = Math.max(peak, tabRssMb())), 500);
	const started = performance.now();
	await page.getByTestId('file-input').setInputFiles(file);
	await page.getByTestId('segments').waitFor({ timeout: minutes * 60_000 });
	const seconds = (performance.now() - started) / 1000;
	clearInterval(sampler);
	const segments = await page.getByTestId('segment').count();
	await browser.close();
	return { minutes, seconds, peak, segments };
}

const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env: { ...process.env, PORT: String(PORT) }, stdio: 'ignore' });
try {
	for (let i = 0; i < 60; i++) {
		if (
			await fetch(`http://localhost:${PORT}/`).then(
				(r) => r.ok,
				() => false
			)
		)
			break;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	console.log(`Machine: ${describeMachine()}; ${today()}`);
	console.log('| file | wall s | realtime factor | peak tab RSS (MB) | segments |\n|---|---|---|---|---|');
	for (const minutes of (process.argv[2] ?? '10,60').split(',').map(Number)) {
		const result = await measure(await makeLongFile(minutes), minutes);
		const rtf = (minutes * 60) / result.seconds;
		console.log(`| ${minutes} min | ${result.seconds.toFixed(0)} | ${rtf.toFixed(1)}x | ${result.peak.toFixed(0)} | ${result.segments} |`);
	}
} finally {
	server.kill();
}
