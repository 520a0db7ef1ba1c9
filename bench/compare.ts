/**
 * @file `npm run bench` (the default) or `npm run bench -- compare`: Koe beside faster-whisper on
 * this machine, same audio, same weights, one run. For tiny.en and base, on every eval recording
 * the model can hear plus a 10-minute file: Koe's server path (onnxruntime-node, each dtype we
 * ship), its browser path in headless Chromium (WASM q8; WebGPU through SwiftShader, a CPU
 * emulation, on JFK only), and faster-whisper (int8 and float32, on the CTranslate2 weights our
 * models are converted from), all with the same threads, temperatures and thresholds, greedy
 * and with 5 beams. Prints the tables and writes bench/RESULTS.md. Never fails on speed.
 *
 * Options: --models tiny.en,base  --minutes 10  --beams 1,5  --dtypes q8,fp32,fp16,q4  --no-browser  --no-webgpu
 * --set synthetic: the 34-minute synthetic English set (synthetic-speech.ts) in place of the eval
 * recordings and the long file, written to bench/RESULTS-synthetic.md.
 * Needs `npm run build` (for the browser rows) and the models from `npm run models:prepare`.
 */
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNSPACED_LANGUAGES } from '../src/lib/core/languages';
import { getModel } from '../src/lib/engine/models';
import { cacheDirFrom } from '../src/lib/server/config';
import { startServer } from '../tests/support/server';
import { characterErrorRate, wordErrorRate } from '../tests/support/wer';
import { runInBrowser } from './engines/browser';
import { describeMachine, processMemoryMb, today } from './machine';
import { EVENT_PREFIX, type EngineEvent, type EngineJob, type GcCounts } from './engines/protocol';
import { syntheticWorkload } from './synthetic-speech';
import { workload, type WorkItem } from './workload';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = cacheDirFrom(process.env);

function option(name: string, fallback: string): string {
	const at = process.argv.indexOf(`--${name}`);
	return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const models = option('models', 'tiny.en,base').split(',');
const longMinutes = Number(option('minutes', '10'));
const beams = option('beams', '1,5').split(',').map(Number);
/** Koe's dtypes to run (all by default: q8, fp32, fp16 and q4 greedy; q8 and fp32 with beams). */
const koeDtypes = option('dtypes', 'q8,fp32,fp16,q4').split(',');
const threads = os.cpus().length;
const set = option('set', 'eval');
if (set !== 'eval' && set !== 'synthetic') {
	console.error(`Unknown set "${set}": eval (the recordings and the long file) or synthetic.`);
	process.exit(2);
}
const synthetic = set === 'synthetic';

interface Row {
	engine: string;
	model: string;
	dtype: string;
	beam: number;
	loadSeconds: number;
	files: Array<{ item: WorkItem; seconds: number; peakRssMb: number; text: string; gc?: GcCounts }>;
}

/** Runs an engine in a child process (protocol.ts), sampling its memory per file. */
function runChild(
	command: string,
	args: string[],
	job: EngineJob,
	items: WorkItem[]
): Promise<Omit<Row, 'engine' | 'model' | 'dtype' | 'beam'>> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
		const byPath = new Map(items.map((item) => [item.path, item]));
		const files: Row['files'] = [];
		let loadSeconds = 0;
		let peak = 0;
		const sampler = setInterval(() => (peak = Math.max(peak, processMemoryMb(child.pid!))), 100);
		let stderr = '';
		let pending = '';
		child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
		child.stdout.on('data', (chunk: Buffer) => {
			pending += chunk.toString();
			const lines = pending.split('\n');
			pending = lines.pop()!;
			for (const line of lines) {
				if (!line.startsWith(EVENT_PREFIX)) continue;
				const event = JSON.parse(line.slice(EVENT_PREFIX.length)) as EngineEvent;
				if (event.event === 'loaded') loadSeconds = event.seconds;
				if (event.event === 'start') peak = processMemoryMb(child.pid!);
				if (event.event === 'done')
					files.push({
						item: byPath.get(event.path)!,
						seconds: event.seconds,
						peakRssMb: Math.max(peak, processMemoryMb(child.pid!)),
						text: event.text,
						...(event.gc ? { gc: event.gc } : {})
					});
			}
		});
		child.on('error', reject);
		child.on('close', (code) => {
			clearInterval(sampler);
			if (code !== 0) reject(new Error(`${command} ${args[0]} exited with ${code}:\n${stderr}`));
			else resolve({ loadSeconds, files });
		});
	});
}

/**
 * Koe's engine as the server runs it: compiled JavaScript with its packages beside it (what
 * adapter-node builds), not TypeScript through tsx, whose loader thread and compiled sources added
 * about 180 MB to the process's resident memory. Built once per run, where node_modules resolves.
 */
let koeNodeBundle: Promise<string> | undefined;
function bundledKoeNode(): Promise<string> {
	const outfile = path.join(repoRoot, 'node_modules/.cache/koe-bench/koe-node.mjs');
	koeNodeBundle ??= build({
		entryPoints: [path.join(repoRoot, 'bench/engines/koe-node.ts')],
		bundle: true,
		platform: 'node',
		format: 'esm',
		packages: 'external',
		outfile,
		logLevel: 'warning'
	}).then(() => outfile);
	return koeNodeBundle;
}

async function koeNode(model: string, dtype: string, beam: number, items: WorkItem[], decoder: EngineJob['decoder'] = 'fixed-cache') {
	const job: EngineJob = {
		model,
		dtype,
		beamSize: beam,
		threads,
		decoder,
		files: items.map((i) => ({ path: i.path, language: i.language }))
	};
	return runChild(process.execPath, [await bundledKoeNode(), JSON.stringify(job)], job, items);
}

function fasterWhisper(model: string, dtype: string, beam: number, items: WorkItem[]) {
	const job: EngineJob = { model, dtype, beamSize: beam, threads, files: items.map((i) => ({ path: i.path, language: i.language })) };
	const ct2 = path.join(cacheDir, 'ct2', getModel(model).localName);
	const python = path.join(cacheDir, 'venv/bin/python');
	return runChild(python, ['bench/engines/faster_whisper_bench.py', JSON.stringify(job), ct2], job, items);
}

const errorRate = (item: WorkItem, text: string) =>
	UNSPACED_LANGUAGES.has(item.language) ? characterErrorRate(item.reference, text) : wordErrorRate(item.reference, text);

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
/** A speed ratio: two decimals, or two significant digits when it is far below 1 (SwiftShader). */
const ratio = (value: number) => (Number.isFinite(value) && value > 0 && value < 0.1 ? value.toPrecision(2) : fmt(value, 2));
const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '–');

/** The row's garbage collections over all its files ("–" for engines that do not report them). */
function gcCounts(row: Row): string {
	if (!row.files.every((f) => f.gc)) return '–';
	const sum = (kind: keyof GcCounts) => row.files.reduce((total, f) => total + f.gc![kind], 0);
	return `${sum('minor')} / ${sum('major')}`;
}

function summaryTable(rows: Row[]): string {
	const lines = [
		'| engine | model | dtype | beam | files | audio s | wall s | realtime | vs faster-whisper int8 | peak RSS MB | error rate, recordings (mean) | WER, long file | GCs minor / major | load s |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'
	];
	for (const row of rows) {
		const audio = row.files.reduce((sum, f) => sum + f.item.audioSeconds, 0);
		const wall = row.files.reduce((sum, f) => sum + f.seconds, 0);
		// The peer on exactly these files: faster-whisper int8, same model and beam.
		const peer = rows.find((r) => r.engine === 'faster-whisper' && r.dtype === 'int8' && r.model === row.model && r.beam === row.beam);
		const peerWall = peer
			? row.files.reduce((sum, f) => sum + (peer.files.find((p) => p.item.path === f.item.path)?.seconds ?? NaN), 0)
			: NaN;
		const recordings = row.files.filter((f) => !f.item.name.includes('-min file'));
		const long = row.files.find((f) => f.item.name.includes('-min file'));
		const meanRate = recordings.reduce((sum, f) => sum + errorRate(f.item, f.text), 0) / recordings.length;
		lines.push(
			`| ${row.engine} | ${row.model} | ${row.dtype} | ${row.beam} | ${row.files.length} | ${fmt(audio)} | ${fmt(wall)} | ${fmt(audio / wall)}x | ${ratio(peerWall / wall)} | ${fmt(Math.max(...row.files.map((f) => f.peakRssMb)), 0)} | ${percent(meanRate)} | ${long ? percent(errorRate(long.item, long.text)) : '–'} | ${gcCounts(row)} | ${fmt(row.loadSeconds, 2)} |`
		);
	}
	return lines.join('\n');
}

function detailTable(rows: Row[]): string {
	const lines = [
		'| engine | model | dtype | beam | file | audio s | wall s | realtime | peak RSS MB | error rate |',
		'|---|---|---|---|---|---|---|---|---|---|'
	];
	for (const row of rows) {
		for (const f of row.files) {
			lines.push(
				`| ${row.engine} | ${row.model} | ${row.dtype} | ${row.beam} | ${f.item.name} | ${fmt(f.item.audioSeconds)} | ${fmt(f.seconds, 2)} | ${fmt(f.item.audioSeconds / f.seconds)}x | ${fmt(f.peakRssMb, 0)} | ${percent(errorRate(f.item, f.text))} |`
			);
		}
	}
	return lines.join('\n');
}

const machine = describeMachine();
const date = today();
console.log(`Machine: ${machine}; ${date}; threads ${threads}; models ${models.join(', ')}; beams ${beams.join(', ')}`);

const rows: Row[] = [];
const report = (row: Row) => {
	rows.push(row);
	console.log(summaryTable(rows).split('\n').at(-1));
};
const server = flag('no-browser') ? null : await startServer();
try {
	for (const model of models) {
		const items = synthetic ? await syntheticWorkload() : await workload(getModel(model).multilingual, longMinutes);
		for (const beam of beams) {
			for (const dtype of ['int8', 'float32'])
				report({ engine: 'faster-whisper', model, dtype, beam, ...(await fasterWhisper(model, dtype, beam, items)) });
			// Beam search multiplies the decoder's work; the slowest dtypes are measured greedy only.
			// fp32 and q8 run the fixed-capacity decoder (the models we convert have it); the merged
			// decoder's q8 row is the one it replaced, and what runs for models from the hub.
			for (const dtype of (beam === 1 ? ['q8', 'fp32', 'fp16', 'q4'] : ['q8', 'fp32']).filter((d) => koeDtypes.includes(d))) {
				const decoder = dtype === 'q8' || dtype === 'fp32' ? 'fixed-cache' : 'merged';
				report({
					engine: `koe server (onnxruntime-node), ${decoder} decoder`,
					model,
					dtype,
					beam,
					...(await koeNode(model, dtype, beam, items, decoder))
				});
			}
			report({
				engine: 'koe server (onnxruntime-node), merged decoder',
				model,
				dtype: 'q8',
				beam,
				...(await koeNode(model, 'q8', beam, items, 'merged'))
			});
		}
		if (server) {
			const browser = await runInBrowser({ device: 'wasm', model, items, url: server.url });
			report({
				engine: `koe browser, WASM (${browser.deviceLabel})`,
				model,
				dtype: 'q8',
				beam: 1,
				loadSeconds: browser.loadSeconds,
				files: browser.files
			});
			// One short clip on SwiftShader, to show the path works; the synthetic set has no JFK.
			if (!flag('no-webgpu') && !synthetic) {
				const jfk = items.filter((item) => item.name === 'en_jfk.wav');
				const gpu = await runInBrowser({ device: 'webgpu', model, items: jfk, url: server.url });
				report({
					engine: `koe browser, WebGPU on SwiftShader (${gpu.deviceLabel})`,
					model,
					dtype: 'fp32 enc / q4 dec',
					beam: 1,
					loadSeconds: gpu.loadSeconds,
					files: gpu.files
				});
			}
		}
	}
} finally {
	await server?.stop();
}

const setDescription = synthetic
	? `the synthetic English set (bench/synthetic-speech.ts: license texts read by flite, distinct passages,
exact references; easier than people talking, so read its error rates beside each other)`
	: `the manifest's references; the long file is ${longMinutes} minutes of
whole rounds of the English recordings, its reference theirs repeated`;
const results = `# Koe beside faster-whisper${synthetic ? ', on synthetic speech' : ''}

Machine: ${machine}. Date: ${date}. Written by \`npm run bench\` (bench/compare.ts); numbers, not tests.

Every engine transcribes the same files with ${threads} threads, temperatures 0 to 1 in steps of 0.2
(best of 5 when sampling), compression-ratio 2.4, log-prob -1, no-speech 0.6, previous text as the
prompt, no VAD, no word timestamps, the language given. Wall time covers media decoding and
transcription; the model load is the last column. "vs faster-whisper int8" is faster-whisper int8's
wall time on the same files over this row's: above 1 is faster than it. Peak RSS is the engine
process's resident memory (the tab's renderer for the browser rows); Koe's server rows run its
engine compiled to JavaScript, as the server does. Error rate is WER (CER for
Chinese and Japanese) against ${setDescription}. WebGPU here is SwiftShader,
a CPU emulation of a GPU: its numbers say nothing of a real GPU, only that the path works.

## Summary

${summaryTable(rows)}

## Each file

${detailTable(rows)}
`;
const target = path.join(repoRoot, synthetic ? 'bench/RESULTS-synthetic.md' : 'bench/RESULTS.md');
if (existsSync(target)) {
	// Keep the analysis written under the tables by hand.
	const notes = readFileSync(target, 'utf8').split('\n<!-- notes -->\n')[1];
	writeFileSync(target, notes ? `${results}\n<!-- notes -->\n${notes}` : results);
} else {
	writeFileSync(target, results);
}
console.log(`\n${summaryTable(rows)}\n\nWrote ${path.relative(process.cwd(), target)}.`);
