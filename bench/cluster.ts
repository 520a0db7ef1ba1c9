/**
 * @file `npm run bench -- cluster`: jobs per minute of the Redis backend (QUEUE=redis) with one
 * and with two worker processes on this machine: a real redis-server, one API node, tiny.en, 20
 * async jobs of JFK (11 s each) submitted at once, timed from the first submit to the last done.
 * Needs `npm run build`. Prints Markdown.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evalAudioPath } from '../tests/support/eval-audio';
import { startRedis } from '../tests/support/redis';
import { finishedTask, formWith, startServer, startWorker } from '../tests/support/server';
import { describeMachine, today } from './machine';

const JOBS = 20;
const jfk = readFileSync(await evalAudioPath('en_jfk.wav'));
console.log(`Machine: ${describeMachine()}; ${today()}`);
console.log(`\n| workers | jobs | wall s | jobs per minute | audio s per wall s |\n|---|---|---|---|---|`);
for (const count of [1, 2]) {
	const redis = await startRedis();
	const env = { QUEUE: 'redis', REDIS_URL: redis.url, UPLOAD_DIR: mkdtempSync(path.join(tmpdir(), 'koe-bench-')), MODEL: 'tiny.en' };
	const workers = await Promise.all(Array.from({ length: count }, (_, i) => startWorker({ ...env, WORKER_NAME: `bench-${i}` })));
	const api = await startServer(env);
	try {
		const started = performance.now();
		const ids = await Promise.all(
			Array.from({ length: JOBS }, async (_, i) => {
				const response = await fetch(`${api.url}/asr/async?output=txt`, {
					method: 'POST',
					body: formWith('audio_file', { name: `jfk-${i}.wav`, bytes: jfk })
				});
				return ((await response.json()) as { task_id: string }).task_id;
			})
		);
		for (const id of ids) {
			if ((await finishedTask(api.url, id, 100)).status !== 'done') throw new Error(`task ${id} failed`);
		}
		const wall = (performance.now() - started) / 1000;
		console.log(`| ${count} | ${JOBS} | ${wall.toFixed(1)} | ${((JOBS / wall) * 60).toFixed(0)} | ${((JOBS * 11) / wall).toFixed(1)} |`);
	} finally {
		await api.stop();
		await Promise.all(workers.map((worker) => worker.stop()));
		await redis.stop();
	}
}
