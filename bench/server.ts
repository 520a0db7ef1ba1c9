/**
 * @file `npm run bench -- server`: the HTTP server's throughput (audio seconds per wall second)
 * for tiny.en and base on this machine, synchronous (one POST /asr of a 10-minute file) and
 * asynchronous (four 2.5-minute files queued at once on POST /asr/async, JOB_CONCURRENCY=1),
 * and the server process's peak resident memory. Needs `npm run build`. Prints a Markdown table.
 */
import { readFileSync } from 'node:fs';
import { finishedTask, formWith, startServer, type TestServer } from '../tests/support/server';
import { describeMachine, processMemoryMb, today } from './machine';
import { makeLongFile } from './speech';

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
	const started = performance.now();
	const result = await work();
	return [result, (performance.now() - started) / 1000];
}

async function syncRun(server: TestServer, file: string): Promise<number> {
	const [response, seconds] = await timed(() =>
		fetch(`${server.url}/asr?output=json`, {
			method: 'POST',
			body: formWith('audio_file', { name: 'speech.mp3', bytes: readFileSync(file) })
		})
	);
	if (response.status !== 200) throw new Error(`POST /asr: ${response.status} ${await response.text()}`);
	return seconds;
}

async function asyncRun(server: TestServer, file: string, copies: number): Promise<number> {
	const [, seconds] = await timed(async () => {
		const ids = await Promise.all(
			Array.from({ length: copies }, async (_, i) => {
				const body = formWith('audio_file', { name: `speech-${i}.mp3`, bytes: readFileSync(file) });
				return ((await (await fetch(`${server.url}/asr/async`, { method: 'POST', body })).json()) as { task_id: string }).task_id;
			})
		);
		for (const id of ids) {
			if ((await finishedTask(server.url, id, 500)).status !== 'done') throw new Error(`task ${id} failed`);
		}
	});
	return seconds;
}

console.log(`Machine: ${describeMachine()}; ${today()}`);
console.log('| model | mode | audio s | wall s | audio s per wall s | peak server RSS (MB) |\n|---|---|---|---|---|---|');
const tenMinutes = await makeLongFile(10);
const quarter = await makeLongFile(2.5);
for (const model of (process.argv[2] ?? 'tiny.en,base').split(',')) {
	const server = await startServer({ MODEL: model, JOB_CONCURRENCY: '1', SYNC_TIMEOUT_S: '3600' });
	try {
		const sync = await syncRun(server, tenMinutes);
		console.log(
			`| ${model} | sync, 1 × 10 min | 600 | ${sync.toFixed(1)} | ${(600 / sync).toFixed(1)} | ${processMemoryMb(server.pid, 'VmHWM').toFixed(0)} |`
		);
		const queued = await asyncRun(server, quarter, 4);
		console.log(
			`| ${model} | async, 4 × 2.5 min | 600 | ${queued.toFixed(1)} | ${(600 / queued).toFixed(1)} | ${processMemoryMb(server.pid, 'VmHWM').toFixed(0)} |`
		);
	} finally {
		await server.stop();
	}
}
