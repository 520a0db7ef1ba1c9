/**
 * @file API fuzzing: schemathesis generates requests from a real server's GET /openapi.json, with a
 * fixed seed and a bounded number of cases, and checks that no answer is a server error (5xx) and
 * that every answer has a documented status, content type and body. fuzz-hooks.py keeps the run
 * cheap on two cores: generated uploads are cut short (answered at once), and one upload per
 * operation and layout is a real recording, so that successes are checked too. scripts/setup.sh
 * installs schemathesis (pinned in fuzz-requirements.txt); without it the test is skipped, saying
 * so, except in CI, which runs setup.sh.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { cacheDirFrom } from '../../src/lib/server/config';
import { evalAudioPath } from '../support/eval-audio';
import { cutAudio } from '../support/media';
import { startServer } from '../support/server';

const venv = path.join(cacheDirFrom(process.env), 'schemathesis-venv');
const here = path.dirname(fileURLToPath(import.meta.url));
const requirements = path.join(here, 'fuzz-requirements.txt');
const hooks = path.join(here, 'fuzz-hooks.py');
const settings = path.join(here, 'fuzz-schemathesis.toml');

/** Why schemathesis cannot run here, or null when the pinned version is installed. */
function schemathesisMissing(): string | null {
	const stamp = path.join(venv, '.koe-requirements');
	const installed =
		existsSync(path.join(venv, 'bin/st')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === readFileSync(requirements, 'utf8');
	return installed ? null : `schemathesis (pinned in tests/api/fuzz-requirements.txt) is not installed in ${venv}: run scripts/setup.sh`;
}

const missing = schemathesisMissing();
test.skip(missing !== null && !process.env.CI, missing ?? '');

const SEED = 13;
/** Cases per operation in the fuzzing phase; the coverage phase makes what the schema calls for. */
const FUZZ_EXAMPLES = 10;
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];
/** Every real recording of the run can wait behind the others (a few seconds each), never this long. */
const SYNC_TIMEOUT_S = 120;
const RUN_TIMEOUT_MS = 8 * 60_000;

/** Runs a command to its end; its exit code and everything it printed. */
function run(
	command: string,
	args: string[],
	options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number }
): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve, reject) => {
		const { env, cwd, timeoutMs } = options;
		const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, output }));
	});
}

test('schemathesis finds no server error and no answer outside the OpenAPI document', async ({}, testInfo) => {
	test.setTimeout(RUN_TIMEOUT_MS + 2 * 60_000);
	expect(missing, 'CI runs scripts/setup.sh, which installs schemathesis').toBeNull();

	const recording = cutAudio(await evalAudioPath('en_jfk.wav'), 3, testInfo.outputPath('jfk-3s.wav'), ['-ac', '1', '-ar', '16000']);
	const server = await startServer({ SYNC_TIMEOUT_S: String(SYNC_TIMEOUT_S) });
	try {
		const args = [
			'--config-file',
			settings,
			'run',
			`${server.url}/openapi.json`,
			'--seed',
			String(SEED),
			'--max-examples',
			String(FUZZ_EXAMPLES),
			'--phases',
			'examples,coverage,fuzzing,stateful',
			'--checks',
			CHECKS.join(','),
			'--workers',
			'1',
			'--request-timeout',
			String(SYNC_TIMEOUT_S + 30),
			'--generation-database',
			'none',
			'--no-color'
		];
		// Playwright's FORCE_COLOR would make schemathesis draw its live progress into the report.
		const env = { ...process.env, FORCE_COLOR: undefined, SCHEMATHESIS_HOOKS: hooks, KOE_FUZZ_AUDIO: recording };
		const { code, output } = await run(path.join(venv, 'bin/st'), args, { env, cwd: testInfo.outputDir, timeoutMs: RUN_TIMEOUT_MS });
		await testInfo.attach('schemathesis', { body: output, contentType: 'text/plain' });
		const cases = /(\d+) generated/.exec(output)?.[1];
		const seconds = /in ([\d.]+)s =+\s*$/.exec(output)?.[1];
		console.log(`schemathesis: ${cases ?? '?'} cases in ${seconds ?? '?'} s (seed ${SEED})`);
		expect(
			code,
			`schemathesis found problems (exit code ${code}):\n\n${output}\n\nThe server's log ends:\n${server.output().slice(-4000)}`
		).toBe(0);
	} finally {
		await server.stop();
	}
});
