/**
 * @file `npm run bench -- load` (or `npx tsx bench/load.ts`): a loopback load test of one server
 * (embedded queue, tiny.en, QUEUE_LIMIT=8) with autocannon. Phase 1: 50 clients send a 3-second
 * cut of JFK to POST /asr for 60 s, each sending its next request as soon as it has an answer
 * (clients that ignore Retry-After: the worst case). Phase 2: the same clients on POST
 * /asr/async for 30 s, then every accepted task is followed until it finishes. Through both, a
 * separate thread probes GET /health every 250 ms and the server's resident memory is sampled
 * every 250 ms; the server is preloaded with stall-probe.mjs, which reports its event-loop stalls
 * and long onnxruntime runs. It counts what was served, what was refused (by status and code, and
 * whether Retry-After came with it), errors and timeouts, latencies, checks in the task database
 * that each task finished once, and ends with a list of checks. Needs `npm run build`. Prints Markdown and writes it into
 * bench/RESULTS-load.md between the markers (the notes around them are kept).
 * `--connections`, `--sync-seconds`, `--async-seconds`, `--clip-seconds`, `--queue-limit` change
 * the load; `--print-only` leaves the results file alone.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import autocannon, { type Result } from 'autocannon';
import Database from 'better-sqlite3';
import { evalAudioPath } from '../tests/support/eval-audio';
import { cutAudio } from '../tests/support/media';
import { startServer, type TestServer } from '../tests/support/server';
import { describeMachine, processMemoryMb, today } from './machine';

const { values: args } = parseArgs({
	options: {
		connections: { type: 'string', default: '50' },
		'sync-seconds': { type: 'string', default: '60' },
		'async-seconds': { type: 'string', default: '30' },
		'clip-seconds': { type: 'string', default: '3' },
		'queue-limit': { type: 'string', default: '8' },
		'print-only': { type: 'boolean', default: false }
	}
});
const CONNECTIONS = Number(args.connections);
const SYNC_SECONDS = Number(args['sync-seconds']);
const ASYNC_SECONDS = Number(args['async-seconds']);
const CLIP_SECONDS = Number(args['clip-seconds']);
const QUEUE_LIMIT = Number(args['queue-limit']);
const SYNC_TIMEOUT_S = 120;
/** A request unanswered this long is a timeout: past SYNC_TIMEOUT_S, the server should have said 504. */
const CLIENT_TIMEOUT_S = SYNC_TIMEOUT_S + 30;
const SAMPLE_MS = 250;
/** How long the queue may take to empty once the load stops, before the bench calls it a hang. */
const DRAIN_LIMIT_MS = 300_000;

const SERVER_ENV = {
	MODEL: 'tiny.en',
	JOB_CONCURRENCY: '1',
	QUEUE_LIMIT: String(QUEUE_LIMIT),
	// Every client is 127.0.0.1: the per-address limits would count all of them as one client.
	RATE_LIMIT_PER_MINUTE: '0',
	MAX_UPLOADS_PER_CLIENT: String(2 * CONNECTIONS),
	SYNC_TIMEOUT_S: String(SYNC_TIMEOUT_S)
};

// ---------------------------------------------------------------------------------------------
// Measuring

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Spread {
	n: number;
	p50: number;
	p99: number;
	max: number;
}

function spread(values: readonly number[]): Spread {
	const sorted = [...values].sort((a, b) => a - b);
	return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

const ms = (value: number) =>
	Number.isNaN(value) ? '–' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const spreadText = (s: Spread) => (s.n === 0 ? '–' : `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`);

/** CPU seconds a process has used (utime + stime from /proc/<pid>/stat). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function processCpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Busy CPU seconds of the whole machine, all cores (/proc/stat: everything but idle and iowait). */
function machineBusySeconds(): number {
	const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
	const [, , , idle = 0, iowait = 0] = ticks;
	return (ticks.reduce((sum, n) => sum + n, 0) - idle - iowait) / CLOCK_TICKS;
}

const loadAverage = () =>
	os
		.loadavg()
		.map((n) => n.toFixed(2))
		.join(', ');

/** The server's resident memory every 250 ms, and its CPU and the machine's over the same time. */
function watch(pid: number) {
	let peak = processMemoryMb(pid);
	const timer = setInterval(() => (peak = Math.max(peak, processMemoryMb(pid))), SAMPLE_MS);
	const cpu0 = { server: processCpuSeconds(pid), bench: process.cpuUsage(), machine: machineBusySeconds(), wall: performance.now() };
	return {
		stop() {
			clearInterval(timer);
			const bench = process.cpuUsage(cpu0.bench);
			const server = processCpuSeconds(pid) - cpu0.server;
			const generator = (bench.user + bench.system) / 1e6;
			const machine = machineBusySeconds() - cpu0.machine;
			return {
				peakRss: peak,
				server,
				generator,
				others: Math.max(0, machine - server - generator),
				wall: (performance.now() - cpu0.wall) / 1000
			};
		}
	};
}

interface Probe {
	ms: number;
	status: number;
	queued: number | null;
	running: number | null;
}

/**
 * GET /health every 250 ms from a thread of its own, so that the load generator's busy event
 * loop does not add to the latency it measures. A probe that gets no answer in 10 s counts as
 * status 0.
 */
async function probeHealth(url: string): Promise<{ stop(): Promise<Probe[]> }> {
	const code = `
		const { parentPort, workerData } = require('node:worker_threads');
		let stopping = false;
		const probes = [];
		parentPort.on('message', () => (stopping = true));
		(async () => {
			// The first fetch loads undici and opens the connection: not the server's time.
			await (await fetch(workerData.url)).text();
			parentPort.postMessage('ready');
			while (!stopping) {
				const started = performance.now();
				let status = 0, queued = null, running = null;
				try {
					const response = await fetch(workerData.url, { signal: AbortSignal.timeout(10000) });
					const body = await response.json();
					status = response.status;
					queued = body.queued ?? null;
					running = body.running ?? null;
				} catch {}
				const ms = performance.now() - started;
				probes.push({ ms, status, queued, running });
				await new Promise((resolve) => setTimeout(resolve, Math.max(0, ${SAMPLE_MS} - ms)));
			}
			parentPort.postMessage(probes);
		})();`;
	const worker = new Worker(code, { eval: true, workerData: { url: `${url}/health` } });
	await new Promise((resolve) => worker.once('message', resolve));
	return {
		stop() {
			const answer = new Promise<Probe[]>((resolve) => worker.once('message', resolve));
			worker.postMessage('stop');
			return answer.finally(() => worker.terminate());
		}
	};
}

/** The koe_job_duration_seconds count: jobs that ran to the end (observed on success only). */
async function jobsRun(url: string): Promise<number> {
	const text = await (await fetch(`${url}/metrics`)).text();
	return Number(/^koe_job_duration_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** Waits until nothing is queued or running; the time it took, or null past DRAIN_LIMIT_MS. */
async function drained(url: string): Promise<number | null> {
	const started = performance.now();
	while (performance.now() - started < DRAIN_LIMIT_MS) {
		const health = (await (await fetch(`${url}/health`)).json()) as { queued: number; running: number };
		if (health.queued === 0 && health.running === 0) return (performance.now() - started) / 1000;
		await sleep(SAMPLE_MS);
	}
	return null;
}

/** Tasks created in [from, to) by status and error code, read from the server's SQLite file. */
function taskTally(
	server: TestServer,
	from: number,
	to: number
): { rows: { status: string; code: string | null; n: number }[]; ids: string[] } {
	const db = new Database(path.join(server.dataDir, 'koe.db'), { readonly: true, fileMustExist: true });
	try {
		const rows = db
			.prepare(
				"SELECT status, json_extract(error, '$.code') AS code, count(*) AS n FROM tasks WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2 ORDER BY 1, 2"
			)
			.all(from, to) as { status: string; code: string | null; n: number }[];
		const ids = (db.prepare('SELECT id FROM tasks WHERE created_at >= ? AND created_at < ?').all(from, to) as { id: string }[]).map(
			(row) => row.id
		);
		return { rows, ids };
	} finally {
		db.close();
	}
}

/** What bench/stall-probe.mjs reported: event-loop stalls, and long onnxruntime runs by first input. */
function stallsIn(log: string) {
	const stalls: number[] = [];
	const runs = new Map<string, { wall: number; cpu: number }[]>();
	for (const [, kind, input, wall, cpu] of log.matchAll(/^koe-load (stall|ort) (\S+) (\d+)(?: (\d+))?$/gm)) {
		if (kind === 'stall') stalls.push(Number(wall));
		else runs.set(input!, [...(runs.get(input!) ?? []), { wall: Number(wall), cpu: Number(cpu) }]);
	}
	return { stalls, runs, timed: !log.includes('onnxruntime runs not timed') };
}

const tallyText = (rows: { status: string; code: string | null; n: number }[]) =>
	rows.map((row) => `${row.n} ${row.status}${row.code ? ` (${row.code})` : ''}`).join(', ') || 'none';

// ---------------------------------------------------------------------------------------------
// The load

/** What the answers said, by status: latencies, and how refusals were worded. */
class Answers {
	readonly latency = new Map<number, number[]>();
	/** "503 queue_full" → count; the code read from the message the error table words. */
	readonly kinds = new Map<string, number>();
	readonly retryAfter = new Map<number, number>();
	readonly samples = new Map<string, string>();
	readonly taskIds: string[] = [];
	wrongTranscripts = 0;
	errors: string[] = [];

	constructor(private readonly expectTranscript: string) {}

	onLatency(status: number, responseMs: number) {
		const list = this.latency.get(status) ?? [];
		list.push(responseMs);
		this.latency.set(status, list);
	}

	onBody(status: number, body: string, headers: Record<string, string>) {
		const kind = `${status} ${codeOf(status, body)}`;
		this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
		if (!this.samples.has(kind)) this.samples.set(kind, body.slice(0, 300));
		const hasRetryAfter = Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'retry-after' && Number(value) > 0);
		if (hasRetryAfter) this.retryAfter.set(status, (this.retryAfter.get(status) ?? 0) + 1);
		if (status === 200 && !body.toLowerCase().includes(this.expectTranscript)) this.wrongTranscripts++;
		if (status === 202) this.taskIds.push((JSON.parse(body) as { task_id: string }).task_id);
	}

	count(filter: (status: number) => boolean): number {
		return [...this.latency].filter(([status]) => filter(status)).reduce((sum, [, list]) => sum + list.length, 0);
	}

	spreadOf(filter: (status: number) => boolean): Spread {
		return spread([...this.latency].filter(([status]) => filter(status)).flatMap(([, list]) => list));
	}
}

/** The error table's code behind a refusal: the /asr family's body carries only its message. */
function codeOf(status: number, body: string): string {
	if (status < 300) return 'ok';
	if (body.includes('(QUEUE_LIMIT)')) return 'queue_full';
	if (body.includes('(MAX_UPLOADS_PER_CLIENT)')) return 'too_many_uploads';
	if (body.includes('Too many requests')) return 'rate_limit_exceeded';
	if (body.includes('(SYNC_TIMEOUT_S)')) return 'sync_timeout';
	return 'other';
}

const served = (status: number) => status >= 200 && status < 300;
const refused = (status: number) => status === 503 || status === 429;
const other = (status: number) => !served(status) && !refused(status);

interface PhaseResult {
	name: string;
	route: string;
	seconds: number;
	answers: Answers;
	result: Result;
	probes: Probe[];
	stalls: ReturnType<typeof stallsIn>;
	/** Jobs finished under load, and while the queue drained after it, with the server's CPU then. */
	drain: { runs: number; cpu: number; loadRuns: number };
	usage: ReturnType<ReturnType<typeof watch>['stop']>;
	loadBefore: string;
	drainSeconds: number | null;
	tasks: ReturnType<typeof taskTally>;
	runs: number;
	rssAfter: number;
	/** Async phase: the check that every accepted task finished once. */
	followed?: { accepted: number; unique: number; done: number; failed: number; notAnswered: number; orphans: number; orphansDone: number };
}

async function phase(
	server: TestServer,
	name: string,
	route: string,
	seconds: number,
	body: Buffer,
	headers: Record<string, string>,
	expect: string
): Promise<PhaseResult> {
	const loadBefore = loadAverage();
	const runsBefore = await jobsRun(server.url);
	const from = Date.now();
	const logFrom = server.output().length;
	const answers = new Answers(expect);
	const probe = await probeHealth(server.url);
	const watcher = watch(server.pid);
	const instance = autocannon({
		url: server.url,
		connections: CONNECTIONS,
		duration: seconds,
		timeout: CLIENT_TIMEOUT_S,
		requests: [
			{ method: 'POST', path: route, headers, body, onResponse: (status, text, _context, heads) => answers.onBody(status, text, heads) }
		]
	});
	instance.on('response', (_client, status, _bytes, responseMs) => answers.onLatency(status, responseMs));
	instance.on('reqError', (error) => answers.errors.push(error.message));
	const result = await instance;
	const probes = await probe.stop();
	const usage = watcher.stop();
	const stalls = stallsIn(server.output().slice(logFrom));
	const runsAtStop = await jobsRun(server.url);
	const cpuAtStop = processCpuSeconds(server.pid);
	const drainSeconds = await drained(server.url);
	const drain = {
		runs: (await jobsRun(server.url)) - runsAtStop,
		cpu: processCpuSeconds(server.pid) - cpuAtStop,
		loadRuns: runsAtStop - runsBefore
	};
	await sleep(2000); // let the last waiters and files settle before reading the store
	const to = Date.now();
	const tasks = taskTally(server, from, to);
	const runs = (await jobsRun(server.url)) - runsBefore;
	await sleep(3000);
	return {
		name,
		route,
		seconds,
		answers,
		result,
		stalls,
		drain,
		probes,
		usage,
		loadBefore,
		drainSeconds,
		tasks,
		runs,
		rssAfter: processMemoryMb(server.pid)
	};
}

/** Follows every task the async phase was given an id for; each must be done, and only once. */
async function follow(server: TestServer, outcome: PhaseResult): Promise<void> {
	const ids = outcome.answers.taskIds;
	const unique = new Set(ids);
	let done = 0;
	let failed = 0;
	let notAnswered = 0;
	for (const id of unique) {
		const response = await fetch(`${server.url}/tasks/${id}`);
		if (response.status !== 200) {
			notAnswered++;
			continue;
		}
		const task = (await response.json()) as { status: string; result?: unknown };
		if (task.status === 'done') done++;
		else if (task.status === 'failed') failed++;
		else notAnswered++;
	}
	// Tasks the server created whose 202 the client never read: their requests were cut when the load stopped.
	const orphans = outcome.tasks.ids.filter((id) => !unique.has(id));
	let orphansDone = 0;
	for (const id of orphans) {
		const task = (await (await fetch(`${server.url}/tasks/${id}`)).json()) as { status: string };
		if (task.status === 'done') orphansDone++;
	}
	outcome.followed = { accepted: ids.length, unique: unique.size, done, failed, notAnswered, orphans: orphans.length, orphansDone };
}

// ---------------------------------------------------------------------------------------------
// The run

const workDir = mkdtempSync(path.join(os.tmpdir(), 'koe-load-'));
const clipPath = cutAudio(await evalAudioPath('en_jfk.wav'), CLIP_SECONDS, path.join(workDir, `jfk-${CLIP_SECONDS}s.wav`), [
	'-c:a',
	'pcm_s16le'
]);
const clip = readFileSync(clipPath);
// One multipart body, built once and sent by every request.
const boundary = `koe-load-${randomUUID()}`;
const multipart = Buffer.concat([
	Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="audio_file"; filename="jfk-${CLIP_SECONDS}s.wav"\r\nContent-Type: audio/wav\r\n\r\n`
	),
	clip,
	Buffer.from(`\r\n--${boundary}--\r\n`)
]);
const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };

const machine = `${describeMachine()}; ${today()}`;
const loadAtStart = loadAverage();
console.log(`Machine: ${machine}; load average ${loadAtStart} (1, 5, 15 min) before the run`);
const server = await startServer({
	...SERVER_ENV,
	NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${new URL('./stall-probe.mjs', import.meta.url).href}`.trim()
});
let sync: PhaseResult;
let queued: PhaseResult;
let warm: { transcript: string; ms: number; rss: number };
let idleHealth: Spread;
let uploadsLeft: number;
let rssEnd: number;
let hwm: number;
try {
	const started = performance.now();
	const first = await fetch(`${server.url}/asr?output=txt`, { method: 'POST', headers, body: multipart });
	const transcript = (await first.text()).trim();
	if (first.status !== 200) throw new Error(`The warm-up request failed: ${first.status} ${transcript}`);
	warm = { transcript, ms: performance.now() - started, rss: processMemoryMb(server.pid) };
	console.log(`Warm-up: "${transcript}" in ${ms(warm.ms)}; server RSS ${warm.rss.toFixed(0)} MB`);
	const idleProbe = await probeHealth(server.url);
	await sleep(5000);
	idleHealth = spread((await idleProbe.stop()).map((probe) => probe.ms));
	console.log(`GET /health with no load: ${spreadText(idleHealth)} (p50 / p99 / max)`);
	// Served answers must carry the clip's words (first two, lower case, without punctuation).
	const expect = transcript
		.toLowerCase()
		.replace(/[^a-z ]/g, '')
		.split(/\s+/)
		.filter(Boolean)
		.slice(0, 2)
		.join(' ');

	sync = await phase(server, 'sync', '/asr?output=txt', SYNC_SECONDS, multipart, headers, expect);
	console.log(`Phase 1 done: ${sync.result.statusCodeStats ? JSON.stringify(sync.result.statusCodeStats) : ''}`);
	queued = await phase(server, 'async', '/asr/async?output=txt', ASYNC_SECONDS, multipart, headers, expect);
	await follow(server, queued);
	await sleep(5000);
	rssEnd = processMemoryMb(server.pid);
	hwm = processMemoryMb(server.pid, 'VmHWM');
	const uploadDir = path.join(server.dataDir, 'uploads');
	uploadsLeft = existsSync(uploadDir) ? readdirSync(uploadDir).length : 0;
} finally {
	await server.stop();
	// The clip, and the server's task database and uploads: all read by now.
	for (const dir of [workDir, server.dataDir]) rmSync(dir, { recursive: true, force: true });
}
const serverErrors = server
	.output()
	.split('\n')
	.filter((line) => /error|exception/i.test(line)).length;

// ---------------------------------------------------------------------------------------------
// The report

/**
 * The server's CPU under load less what its finished jobs cost at the drain's rate, per refused
 * request: what a refusal costs (its body is read through, see handler.ts drain()). Only where
 * jobs ran in the drain to measure by.
 */
function refusalCost(p: PhaseResult): string {
	const refusals = p.answers.count(refused);
	if (p.drain.runs === 0 || refusals === 0) return '–';
	const jobs = p.drain.loadRuns * (p.drain.cpu / p.drain.runs);
	return `${(((p.usage.server - jobs) / refusals) * 1000).toFixed(2)} ms (${(p.usage.server - jobs).toFixed(1)} CPU s for ${refusals} refusals)`;
}

const perJob = (cpu: number, jobs: number) => (jobs > 0 ? (cpu / jobs).toFixed(2) : '–');

function phaseRows(p: PhaseResult): Record<string, string> {
	const a = p.answers;
	const probeSpread = spread(p.probes.map((probe) => probe.ms));
	const probeFailures = p.probes.filter((probe) => probe.status !== 200).length;
	const slowProbes = p.probes.filter((probe) => probe.ms > 1000).length;
	const maxQueued = Math.max(...p.probes.map((probe) => probe.queued ?? 0));
	const refusedKinds = [...a.kinds]
		.filter(([kind]) => refused(Number(kind.split(' ')[0])))
		.map(([kind, n]) => {
			const status = Number(kind.split(' ')[0]);
			return `${n} × ${kind} (Retry-After on ${a.retryAfter.get(status) ?? 0})`;
		});
	const otherKinds = [...a.kinds].filter(([kind]) => other(Number(kind.split(' ')[0]))).map(([kind, n]) => `${n} × ${kind}`);
	const answered = a.count(() => true);
	const cut = p.result.requests.sent - answered - p.result.timeouts;
	const rows: Record<string, string> = {
		'route, clients, seconds': `${p.route}, ${CONNECTIONS}, ${p.seconds}`,
		answers: `${answered} (${(answered / p.result.duration).toFixed(0)}/s)`,
		'served (2xx)': `${a.count(served)} (${(a.count(served) / p.result.duration).toFixed(2)}/s)${a.wrongTranscripts ? `, ${a.wrongTranscripts} with a wrong transcript` : ''}`,
		refused: refusedKinds.join('; ') || '0',
		'other statuses': otherKinds.join('; ') || '0',
		'errors / timeouts': `${p.result.errors} / ${p.result.timeouts} (client timeout ${CLIENT_TIMEOUT_S} s)`,
		'in flight when the load stopped (not counted)': String(Math.max(0, cut)),
		'served latency p50 / p99 / max': spreadText(a.spreadOf(served)),
		'refused latency p50 / p99 / max': spreadText(a.spreadOf(refused)),
		'GET /health p50 / p99 / max': `${spreadText(probeSpread)} (${probeSpread.n} probes, ${slowProbes} over 1 s${probeFailures ? `, ${probeFailures} not 200` : ''})`,
		'most tasks queued (seen by /health)': `${maxQueued} (QUEUE_LIMIT ${QUEUE_LIMIT})`,
		'event-loop stalls over 100 ms (server, under load)': p.stalls.stalls.length
			? `${p.stalls.stalls.length}, longest ${ms(Math.max(...p.stalls.stalls))}, ${p.stalls.stalls.filter((n) => n > 1000).length} over 1 s`
			: '0',
		'onnxruntime runs over 100 ms (under load)': !p.stalls.timed
			? 'not timed'
			: [...p.stalls.runs]
					.map(([input, list]) => {
						const wall = spread(list.map((run) => run.wall));
						const cpu = spread(list.map((run) => run.cpu));
						return `${list.length} × ${input}: median ${ms(wall.p50)}, longest ${ms(wall.max)} (CPU, all threads: median ${ms(cpu.p50)})`;
					})
					.join('; ') || '0',
		'jobs finished: under load / while the queue drained': `${p.drain.loadRuns} in ${p.seconds} s (${((p.drain.loadRuns / p.seconds) * 60).toFixed(0)}/min) / ${p.drain.runs}${p.drainSeconds ? ` in ${p.drainSeconds.toFixed(1)} s (${((p.drain.runs / p.drainSeconds) * 60).toFixed(0)}/min)` : ''}`,
		'server CPU s per finished job: under load / draining': `${perJob(p.usage.server, p.drain.loadRuns)} / ${perJob(p.drain.cpu, p.drain.runs)}`,
		'server CPU per refusal, estimated': refusalCost(p),
		'server peak RSS (sampled every 250 ms)': `${p.usage.peakRss.toFixed(0)} MB`,
		'server RSS once idle after the phase': `${p.rssAfter.toFixed(0)} MB`,
		'queue empty after the load stopped':
			p.drainSeconds === null ? `NOT within ${DRAIN_LIMIT_MS / 1000} s` : `${p.drainSeconds.toFixed(1)} s`,
		'tasks created (task database)': tallyText(p.tasks.rows),
		'jobs run to the end (/metrics)': String(p.runs),
		'CPU s: server / load generator / other processes': `${p.usage.server.toFixed(1)} / ${p.usage.generator.toFixed(1)} / ${p.usage.others.toFixed(1)} (of ${(p.usage.wall * os.cpus().length).toFixed(0)})`,
		'load average before (1, 5, 15 min)': p.loadBefore
	};
	if (p.followed) {
		const f = p.followed;
		rows['accepted tasks followed'] =
			`${f.accepted} ids (${f.unique} distinct): ${f.done} done, ${f.failed} failed, ${f.notAnswered} not finished or not found; ` +
			`${f.orphans} more created whose 202 was cut by the end of the run (${f.orphansDone} done)`;
	}
	return rows;
}

const syncRows = phaseRows(sync!);
const asyncRows = phaseRows(queued!);
const table = [
	`| | phase 1: synchronous | phase 2: asynchronous |`,
	`|---|---|---|`,
	...[...new Set([...Object.keys(syncRows), ...Object.keys(asyncRows)])].map(
		(name) => `| ${name} | ${syncRows[name] ?? '–'} | ${asyncRows[name] ?? '–'} |`
	)
].join('\n');
const otherSamples = [sync!, queued!]
	.flatMap((p) =>
		[...p.answers.samples].filter(([kind]) => other(Number(kind.split(' ')[0]))).map(([kind, text]) => `- ${p.name} ${kind}: \`${text}\``)
	)
	.join('\n');
const errorSamples = [sync!, queued!]
	.flatMap((p) => [...new Set(p.answers.errors)].slice(0, 5).map((message) => `- ${p.name}: ${message}`))
	.join('\n');

const both = [sync!, queued!];
const healthMax = Math.max(...both.flatMap((p) => p.probes.map((probe) => probe.ms)));
const refusedWithout = both.reduce(
	(sum, p) =>
		sum + p.answers.count(refused) - [...p.answers.retryAfter].filter(([status]) => refused(status)).reduce((n, [, c]) => n + c, 0),
	0
);
const notQueueFull = both.reduce(
	(sum, p) => sum + [...p.answers.kinds].filter(([kind]) => kind.startsWith('503 ') && kind !== '503 queue_full').length,
	0
);
const f = queued!.followed!;
const asyncDone = queued!.tasks.rows.filter((row) => row.status === 'done').reduce((sum, row) => sum + row.n, 0);
const checks: [ok: boolean, text: string][] = [
	[
		both.every((p) => p.result.errors === 0 && p.result.timeouts === 0),
		`no client errors or timeouts (a request unanswered for ${CLIENT_TIMEOUT_S} s is one)`
	],
	[both.every((p) => p.answers.count(other) === 0) && notQueueFull === 0, 'no answer but 2xx, 503 queue_full and 429'],
	[refusedWithout === 0, 'every refusal has Retry-After'],
	[both.every((p) => p.answers.wrongTranscripts === 0), "every served POST /asr has the clip's words"],
	[both.every((p) => Math.max(...p.probes.map((probe) => probe.queued ?? 0)) <= QUEUE_LIMIT), 'never more than QUEUE_LIMIT tasks queued'],
	[both.every((p) => p.drainSeconds !== null), 'the queue empties once the load stops'],
	[
		f.unique === f.accepted &&
			f.done === f.unique &&
			f.notAnswered === 0 &&
			asyncDone === f.unique + f.orphans &&
			queued!.runs === asyncDone,
		'every accepted async task is done, once (distinct ids, all done, as many jobs run as tasks done)'
	],
	[uploadsLeft! === 0, 'no upload left behind'],
	[rssEnd! < warm!.rss + 100, 'server memory back within 100 MB of the warm-up once idle'],
	[healthMax < 1000, `GET /health always under 1 s (longest ${ms(healthMax)})`]
];
const checkList = checks.map(([ok, text]) => `- ${ok ? 'yes' : '**no**'}: ${text}`).join('\n');

const report = `Machine: ${machine}; load average ${loadAtStart} (1, 5, 15 min) before the run.
Server: \`${Object.entries(SERVER_ENV)
	.map(([name, value]) => `${name}=${value}`)
	.join(
		' '
	)}\`, embedded queue, q8 on CPU. Body: ${CLIP_SECONDS} s of en_jfk.wav (${(multipart.length / 1024).toFixed(0)} KB of multipart), transcribed in the warm-up as "${warm!.transcript}" (${ms(warm!.ms)}). GET /health with no load: ${spreadText(idleHealth!)} (p50 / p99 / max, 250 ms apart for 5 s).

${table}

Checks:
${checkList}

Server memory: ${warm!.rss.toFixed(0)} MB after the warm-up, ${Math.max(sync!.usage.peakRss, queued!.usage.peakRss).toFixed(0)} MB at the sampled peak, VmHWM ${hwm!.toFixed(0)} MB, ${rssEnd!.toFixed(0)} MB at the end (idle, every task followed). Uploads left in UPLOAD_DIR at the end: ${uploadsLeft!}. Lines with "error" in the server's log: ${serverErrors}.
${otherSamples ? `\nOther answers, first of each kind:\n${otherSamples}\n` : ''}${errorSamples ? `\nClient errors, first of each:\n${errorSamples}\n` : ''}`;

console.log(`\n${report}`);

if (!args['print-only']) {
	const resultsPath = fileURLToPath(new URL('./RESULTS-load.md', import.meta.url));
	const begin = '<!-- bench/load.ts writes from here -->';
	const end = '<!-- to here -->';
	const block = `${begin}\n${report}${end}`;
	const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : `# Load\n\n${begin}\n${end}\n`;
	const at = previous.indexOf(begin);
	const until = previous.indexOf(end);
	writeFileSync(
		resultsPath,
		at >= 0 && until > at ? previous.slice(0, at) + block + previous.slice(until + end.length) : `${previous}\n${block}\n`
	);
	console.log(`Written into ${path.relative(process.cwd(), resultsPath)}.`);
}
