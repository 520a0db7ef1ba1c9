/**
 * @file Koe's image, as the deployment guide runs it: built with `npm run image` (podman, a local
 * Debian base), started with the local test models mounted at /models and a volume at /data.
 * The log says when the model is loaded; /asr answers every format, /detect-language answers,
 * an async task finishes, and after a restart of the container the task and its result are
 * still there. Skipped, saying why, where podman is not installed.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { buildImage, podman, podmanMissing, runContainer, type RunningContainer } from '../support/container';
import { evalAudioPath, recording } from '../support/eval-audio';
import { finishedTask, formWith } from '../support/server';
import { wordErrorRate } from '../support/wer';

const missing = podmanMissing();
test.skip(missing !== null, missing ?? '');

const jfk = recording('en_jfk.wav');
let image: string;
let container: RunningContainer | undefined;

test.beforeAll(async () => {
	test.setTimeout(45 * 60_000); // a first build makes the base image and installs everything
	image = buildImage('cpu');
});
test.afterAll(() => container?.remove());

test('the CPU image serves the API from a volume of models, and keeps tasks across a restart', async () => {
	const bytes = readFileSync(await evalAudioPath(jfk.file));
	const started = Date.now();
	container = await runContainer(image);
	await container.ready();
	expect(container.logs()).toMatch(/Koe: model tiny\.en loaded \(cpu, q8\/q8\)/);
	expect(podman('exec', container.name, 'id', '-u')).not.toBe('0');

	const post = (path: string, query = '') =>
		fetch(`${container!.url}${path}${query}`, { method: 'POST', body: formWith('audio_file', { name: 'en_jfk.wav', bytes }) });
	const txt = await post('/asr', '?output=txt');
	expect(txt.status).toBe(200);
	expect(wordErrorRate(jfk.reference, await txt.text())).toBeLessThanOrEqual(0.1);
	console.log(`[container] cold start to the first transcript of JFK: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	const expected: Record<string, RegExp> = {
		srt: /^1\n00:00:00,\d{3} --> .*ask\s+not\s+what\s+your\s+country/s,
		vtt: /^WEBVTT\n\n00:00\.\d{3} --> /,
		tsv: /^start\tend\ttext\n0\t/,
		json: /^\{"text": " And so my fellow Americans/
	};
	for (const [output, shape] of Object.entries(expected)) {
		const response = await post('/asr', `?output=${output}`);
		expect(response.headers.get('content-disposition')).toBe(`inline; filename="en_jfk.wav.${output}"`);
		expect(await response.text()).toMatch(shape);
	}
	const detected = await post('/detect-language');
	expect(await detected.json()).toEqual({ detected_language: 'english', language_code: 'en', confidence: 1 });

	const submitted = await post('/asr/async', '?output=txt');
	expect(submitted.status).toBe(202);
	const { task_id } = await submitted.json();
	const task = await finishedTask(container.url, task_id);
	expect(task.status).toBe('done');

	container.restart();
	await container.ready();
	const kept = await (await fetch(`${container.url}/tasks/${task_id}`)).json();
	expect(kept).toMatchObject({ task_id, status: 'done', result: task.result });
	expect(wordErrorRate(jfk.reference, kept.result)).toBeLessThanOrEqual(0.1);
});

test('the image runs either role, and says what is wrong with a role it cannot run', () => {
	const run = (...env: string[]) => {
		try {
			podman('run', '--rm', ...env.flatMap((pair) => ['-e', pair]), image);
			return 'exit 0';
		} catch (error) {
			const { status, stderr } = error as { status: number; stderr: string };
			return `exit ${status}: ${stderr
				.split('\n')
				.filter((line) => !line.includes('level='))
				.join(' ')}`;
		}
	};
	expect(run('ROLE=janitor')).toMatch(/^exit 2: ROLE must be server or worker, not 'janitor'/);
	expect(run('ROLE=worker')).toMatch(/^exit 1: npm run worker takes jobs from Redis: set QUEUE=redis and REDIS_URL/);
});

test('DEVICE=cuda without a GPU stops at start, naming the missing GPU', async () => {
	const cuda = await runContainer(image, { DEVICE: 'cuda' });
	try {
		await expect(cuda.ready(30_000)).rejects.toThrow(/no NVIDIA GPU is visible/);
		expect(podman('inspect', cuda.name, '--format', '{{.State.ExitCode}}')).toBe('1');
	} finally {
		cuda.remove();
	}
});
