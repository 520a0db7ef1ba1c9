/**
 * @file `npm run bench -- batch`: ten recordings dropped on the page at once (headless Chromium,
 * WASM, base, language detected), queued and transcribed one after another; the total wall time
 * and each file's. Needs `npm run build`, the local models and the eval recordings; starts its own
 * server. Prints a Markdown table.
 */
import { chromium } from '@playwright/test';
import { chromiumPath, quietChromium } from '../tests/support/chromium';
import { evalAudioPath } from '../tests/support/eval-audio';
import { option } from '../tests/support/options';
import { startServer } from '../tests/support/server';
import { describeMachine, today } from './machine';

const MODEL = process.env.BATCH_MODEL ?? 'base';
const FILES = [
	'en_jfk.wav',
	'en_jfk.mp3',
	'en_jfk.flac',
	'en_ldc93s1_timit.wav',
	'en_stereo_two_speakers.wav',
	'en_librispeech_2412-153948-0000.flac',
	'de_leopard.wav',
	'fr_leopard.wav',
	'ja_leopard.wav',
	'zh_aishell1_BAC009S0764W0121.wav'
];

const server = await startServer();
const browser = await chromium.launch({ executablePath: chromiumPath, args: quietChromium });
try {
	const page = await browser.newPage();
	await page.goto(server.url);
	await (await option(page, 'model-select')).selectOption(MODEL);
	const paths = await Promise.all(FILES.map((file) => evalAudioPath(file)));
	const finishedAt: number[] = [];
	const started = performance.now();
	await page.getByTestId('file-input').setInputFiles(paths);
	const rows = page.getByTestId('batch-item');
	for (let i = 0; i < FILES.length; i++) {
		await rows
			.nth(i)
			.and(page.locator('[data-status="done"], [data-status="failed"]'))
			.waitFor({ timeout: 30 * 60_000 });
		finishedAt.push((performance.now() - started) / 1000);
	}
	const statuses = await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
	console.log(`Machine: ${describeMachine()}; ${today()}; ${MODEL}, WASM, one Chromium tab (the model loads once, first file included)`);
	console.log('| file | finished at (s) | its own time (s) | status |\n|---|---|---|---|');
	FILES.forEach((file, i) =>
		console.log(`| ${file} | ${finishedAt[i]!.toFixed(1)} | ${(finishedAt[i]! - (finishedAt[i - 1] ?? 0)).toFixed(1)} | ${statuses[i]} |`)
	);
	console.log(`\nTotal: ${FILES.length} files in ${finishedAt.at(-1)!.toFixed(1)} s`);
} finally {
	await browser.close();
	await server.stop();
}
