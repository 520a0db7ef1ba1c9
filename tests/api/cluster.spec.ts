/**
 * @file The Redis backend (QUEUE=redis) with a real Redis, one API node and two worker processes,
 * each process real and on its own: jobs spread over the workers, an API node restarted mid-run
 * loses nothing, and a worker killed with SIGKILL mid-job leaves its job to the other worker once
 * its lock expires, so that every task finishes, and finishes once; a synchronous caller that
 * hangs up stops its job on the worker running it.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { evalAudioPath, recording } from '../support/eval-audio';
import { concatAudio } from '../support/media';
import { redisMissing, startRedis, type TestRedis } from '../support/redis';
import { finishedTask, formWith, freePort, startServer, startWorker, type TestServer, type TestWorker } from '../support/server';
import { wordErrorRate } from '../support/wer';

const missing = redisMissing();
test.skip(missing !== null, missing ?? '');

const jfk = recording('en_jfk.wav');
let redis: TestRedis | undefined;
const processes: Array<TestServer | TestWorker> = [];
test.afterAll(async () => {
	await Promise.all(processes.map((process) => process.stop('SIGKILL')));
	await redis?.stop();
});

async function submit(api: TestServer, name: string, bytes: Uint8Array): Promise<string> {
	const response = await fetch(`${api.url}/asr/async?output=txt`, { method: 'POST', body: formWith('audio_file', { name, bytes }) });
	expect(response.status).toBe(202);
	return (await response.json()).task_id;
}

/** How many times each worker's log says it finished this task. */
const doneCount = (workers: TestWorker[], id: string) =>
	workers.reduce((n, worker) => n + worker.output().split(`task ${id} done`).length - 1, 0);

test('two workers share the jobs, survive an API restart and a worker killed mid-job, each task finishing once', async ({}, testInfo) => {
	test.setTimeout(10 * 60_000);
	redis = await startRedis();
	const uploads = mkdtempSync(path.join(tmpdir(), 'koe-uploads-'));
	const env = { QUEUE: 'redis', REDIS_URL: redis.url, UPLOAD_DIR: uploads, JOB_LOCK_S: '10', JOB_ATTEMPTS: '3' };
	const workers = [await startWorker({ ...env, WORKER_NAME: 'worker-a' }), await startWorker({ ...env, WORKER_NAME: 'worker-b' })];
	processes.push(...workers);
	let api = await startServer(env);
	processes.push(api);
	expect(await (await fetch(`${api.url}/health`)).json()).toMatchObject({ status: 'ok', queue: 'redis', redis: 'ok', workers: 2 });

	// 20 jobs; the API node is killed once they are queued and another takes its place.
	const bytes = readFileSync(await evalAudioPath(jfk.file));
	const ids: string[] = [];
	for (let i = 0; i < 20; i++) ids.push(await submit(api, `jfk-${i}.wav`, bytes));
	await api.stop('SIGKILL');
	api = await startServer(env);
	processes.push(api);
	for (const id of ids) {
		const task = await finishedTask(api.url, id);
		expect(task.status, JSON.stringify(task)).toBe('done');
		expect(wordErrorRate(jfk.reference, task.result!)).toBeLessThanOrEqual(0.1);
	}
	const shares = workers.map((worker) => worker.output().split(' done').length - 1);
	console.log(`[cluster] 20 jobs: worker-a ran ${shares[0]}, worker-b ran ${shares[1]}`);
	for (const share of shares) expect(share).toBeGreaterThan(0);

	// Longer jobs; worker-a is killed (SIGKILL) while it runs one.
	const parts = ['en_librivox_sonnet001.mp3', 'en_librispeech_2412-153948-0000.flac'].map(recording);
	const long = readFileSync(
		concatAudio(await Promise.all(parts.map((part) => evalAudioPath(part.file))), testInfo.outputPath('long.mp3'), { gapSeconds: 2 })
	);
	const longIds: string[] = [];
	for (let i = 0; i < 4; i++) longIds.push(await submit(api, `long-${i}.mp3`, long));
	const [a, b] = workers as [TestWorker, TestWorker];
	const running = () => longIds.find((id) => a.output().includes(`task ${id} started`) && !a.output().includes(`task ${id} done`));
	await expect.poll(running, { timeout: 120_000, intervals: [50] }).toBeTruthy();
	const interrupted = running()!;
	await a.stop('SIGKILL');
	for (const id of longIds) expect((await finishedTask(api.url, id)).status).toBe('done');
	for (const id of [...ids, ...longIds]) expect(doneCount(workers, id), id).toBe(1);
	expect(b.output()).toContain(`task ${interrupted} done`);
	expect(readdirSync(uploads)).toEqual([]); // every upload deleted once its task finished

	const metrics = await (await fetch(`${api.url}/metrics`)).text();
	expect(metrics).toMatch(/koe_tasks\{state="done"\} 24/);
	expect(await (await fetch(`${api.url}/health`)).json()).toMatchObject({ status: 'ok', workers: 1 });

	// A synchronous caller that hangs up: the worker running its job stops it, and the upload goes.
	const hangUp = new AbortController();
	const startedBefore = b.output().split(' started').length;
	const call = fetch(`${api.url}/asr`, {
		method: 'POST',
		body: formWith('audio_file', { name: 'hang-up.mp3', bytes: long }),
		signal: hangUp.signal
	}).catch((error: Error) => error);
	await expect.poll(() => b.output().split(' started').length, { timeout: 60_000 }).toBeGreaterThan(startedBefore);
	hangUp.abort();
	expect(await call).toBeInstanceOf(Error);
	await expect.poll(() => b.output(), { timeout: 10_000 }).toMatch(/task \S+ cancelled/);
	await expect
		.poll(async () => await (await fetch(`${api.url}/metrics`)).text(), { timeout: 10_000 })
		.toMatch(/koe_tasks\{state="failed"\} 1/);
	await expect.poll(() => readdirSync(uploads), { timeout: 10_000 }).toEqual([]);

	// Two API nodes share one rate limit through Redis: 3 a minute from this address in all.
	const limited = { ...env, RATE_LIMIT_PER_MINUTE: '3' };
	const [first, second] = [await startServer(limited), await startServer(limited)];
	processes.push(first, second);
	const statuses = [];
	for (const node of [first, second, first, second]) statuses.push((await fetch(`${node.url}/v1/models`)).status);
	expect(statuses).toEqual([200, 200, 200, 429]);
});

test('an API node whose Redis is away says so on /health and answers uploads with 503 at once', async () => {
	const gone = await freePort(); // nothing listens there
	const api = await startServer({ QUEUE: 'redis', REDIS_URL: `redis://127.0.0.1:${gone}` }, { waitForModel: false });
	processes.push(api);
	const health = await fetch(`${api.url}/health`);
	expect(health.status).toBe(503);
	expect(await health.json()).toMatchObject({ status: 'unavailable', queue: 'redis', redis: 'unreachable' });
	const started = Date.now();
	const bytes = readFileSync(await evalAudioPath(jfk.file));
	const refused = await fetch(`${api.url}/asr/async`, { method: 'POST', body: formWith('audio_file', { name: 'jfk.wav', bytes }) });
	expect(refused.status).toBe(503);
	expect((await refused.json()).message).toContain('does not answer');
	expect(Date.now() - started).toBeLessThan(15_000);
	expect(readdirSync(path.join(api.dataDir, 'uploads'))).toEqual([]);
});
