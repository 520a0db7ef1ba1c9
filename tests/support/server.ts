/**
 * @file A real Koe server for the API tests: `npm start`'s entry (server.ts over build/) in a
 * child process on a free port, with its own data folder and environment, ready once /health
 * says the model is loaded. Needs `npm run build` (Playwright's webServer runs it first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestServer {
	url: string;
	dataDir: string;
	pid: number;
	/** Ends the process: `kill` mimics a crash (SIGKILL), otherwise a normal stop. */
	stop(signal?: NodeJS.Signals): Promise<void>;
	/** What the process printed, for failure messages. */
	output(): string;
}

/** A TCP port nothing listens on now. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Starts a server; by default tiny.en, no keys, no rate limit, a fresh data folder. */
export async function startServer(env: Record<string, string> = {}, { waitForModel = true } = {}): Promise<TestServer> {
	const port = await freePort();
	const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'koe-api-'));
	const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
		env: { ...process.env, MODEL: 'tiny.en', RATE_LIMIT_PER_MINUTE: '0', ...env, PORT: String(port), DATA_DIR: dataDir },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stdout!.on('data', (chunk) => (log += chunk));
	child.stderr!.on('data', (chunk) => (log += chunk));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const url = `http://127.0.0.1:${port}`;
	const server: TestServer = {
		url,
		dataDir,
		pid: child.pid!,
		output: () => log,
		async stop(signal = 'SIGTERM') {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			await exited;
		}
	};
	for (let i = 0; i < 600; i++) {
		if (child.exitCode !== null) throw new Error(`The server exited early:\n${log}`);
		const health = await fetch(`${url}/health`).then(
			(r) => r.status,
			() => 0
		);
		if (health === 200 || (!waitForModel && health === 503)) return server;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	await server.stop();
	throw new Error(`The server did not become ready within 60 s:\n${log}`);
}

export interface TestWorker {
	pid: number;
	output(): string;
	stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `npm run worker`'s entry (QUEUE=redis); resolves once it takes jobs. */
export async function startWorker(env: Record<string, string>): Promise<TestWorker> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'worker.ts'], {
		env: { ...process.env, MODEL: 'tiny.en', QUEUE: 'redis', METRICS_PORT: String(await freePort()), ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stdout!.on('data', (chunk) => (log += chunk));
	child.stderr!.on('data', (chunk) => (log += chunk));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	for (let i = 0; i < 600 && !log.includes('is taking jobs'); i++) {
		if (child.exitCode !== null) throw new Error(`The worker exited early:\n${log}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	if (!log.includes('is taking jobs')) throw new Error(`The worker did not start within 60 s:\n${log}`);
	return {
		pid: child.pid!,
		output: () => log,
		async stop(signal = 'SIGTERM') {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			await exited;
		}
	};
}

/** A task's answer once it has finished (done or failed), polled from GET /tasks/{id}; throws past `timeoutMs`. */
export async function finishedTask(baseUrl: string, id: string, everyMs = 250, timeoutMs = Number.POSITIVE_INFINITY) {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const task = await (await fetch(`${baseUrl}/tasks/${id}`)).json();
		if (task.status === 'done' || task.status === 'failed') return task;
		if (performance.now() > deadline) throw new Error(`Task ${id} did not finish within ${timeoutMs / 1000} s: ${JSON.stringify(task)}`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}

/** A multipart form with one file part. */
export function formWith(
	field: string,
	file: { name: string; bytes: Uint8Array; type?: string },
	fields: Record<string, string | string[]> = {}
): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) form.append(name, item);
	form.append(field, new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
	return form;
}
