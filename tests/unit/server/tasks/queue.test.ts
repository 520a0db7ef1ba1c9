import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError } from '$lib/server/errors';
import { JobQueue, type RunTask } from '$lib/server/tasks/queue';
import { TaskStore } from '$lib/server/tasks/store';

interface Deferred<T> {
	promise: Promise<T>;
	resolve: (value: T) => void;
	reject: (error: unknown) => void;
}

function deferred<T = unknown>(): Deferred<T> {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** Resolves when the signal aborts; rejects like a real job would. */
function untilAborted(signal: AbortSignal): Promise<never> {
	return new Promise((_, reject) => {
		signal.addEventListener('abort', () => reject(signal.reason), { once: true });
	});
}

const HOUR = 60 * 60 * 1000;

let dir: string;
let stores: TaskStore[];
let queues: JobQueue[];
let inputCount: number;

beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'koe-tasks-'));
	stores = [];
	queues = [];
	inputCount = 0;
});

afterEach(async () => {
	for (const queue of queues) await queue.close().catch(() => undefined);
	for (const store of stores) store.close();
	rmSync(dir, { recursive: true, force: true });
});

function openStore(now?: () => number): TaskStore {
	const store = new TaskStore(path.join(dir, 'data'), now);
	stores.push(store);
	return store;
}

function openQueue(store: TaskStore, run: RunTask, options: { concurrency?: number; ttlMs?: number; now?: () => number } = {}): JobQueue {
	const queue = new JobQueue({ store, run, concurrency: options.concurrency ?? 1, ttlMs: options.ttlMs ?? HOUR, now: options.now });
	queues.push(queue);
	return queue;
}

/** A real upload file on disk, as the API would leave it. */
function writeInput(): string {
	const file = path.join(dir, `upload-${inputCount++}.wav`);
	writeFileSync(file, 'RIFF fake audio');
	return file;
}

function input(kind = 'asr', params: unknown = {}) {
	return { kind, params, inputPath: writeInput(), inputName: 'talk.wav' };
}

describe('TaskStore', () => {
	it('round-trips a task with JSON params and result', () => {
		const store = openStore();
		const params = { language: 'en', wordTimestamps: true, nested: [1, { a: null }] };
		const created = store.create({ kind: 'asr', params, inputPath: '/tmp/x.wav', inputName: 'x.wav' });
		expect(created).toMatchObject({ status: 'queued', kind: 'asr', params, progress: 0, result: null, error: null, finishedAt: null });
		expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(store.get(created.id)).toEqual(created);

		store.markRunning(created.id);
		store.setProgress(created.id, 0.25);
		expect(store.get(created.id)).toMatchObject({ status: 'running', progress: 0.25 });

		const result = { text: 'hello', segments: [{ start: 0, end: 1.5, text: 'hello' }] };
		store.finish(created.id, result);
		const done = store.get(created.id);
		expect(done).toMatchObject({ status: 'done', progress: 1, result });
		expect(done?.finishedAt).toBeTypeOf('number');
		expect(store.get('missing')).toBeUndefined();
	});

	it('keeps tasks across reopening and lists unfinished ones oldest first', () => {
		const store = openStore();
		const first = store.create(input());
		const second = store.create(input());
		const third = store.create(input());
		store.markRunning(second.id);
		store.fail(third.id, { code: 'unsupported_media', status: 415, message: 'bad audio', param: 'file' });
		store.close();

		const reopened = openStore();
		expect(reopened.unfinished().map((task) => [task.id, task.status])).toEqual([
			[first.id, 'queued'],
			[second.id, 'running']
		]);
		expect(reopened.get(third.id)?.error).toEqual({ code: 'unsupported_media', status: 415, message: 'bad audio', param: 'file' });
		expect(reopened.delete(third.id)).toBe(true);
		expect(reopened.get(third.id)).toBeUndefined();
	});
});

describe('JobQueue', () => {
	it('runs jobs first in first out, never more than the concurrency at once', async () => {
		const store = openStore();
		const gates = new Map<string, Deferred<unknown>>();
		const started: string[] = [];
		let running = 0;
		let maxRunning = 0;
		const queue = openQueue(store, async (task) => {
			started.push(task.id);
			running++;
			maxRunning = Math.max(maxRunning, running);
			const gate = deferred();
			gates.set(task.id, gate);
			try {
				return await gate.promise;
			} finally {
				running--;
			}
		});

		const ids = [queue.submit(input()), queue.submit(input()), queue.submit(input())].map((task) => task.id);
		expect(queue.stats()).toEqual({ queued: 2, running: 1 });
		expect(ids.map((id) => store.get(id)?.status)).toEqual(['running', 'queued', 'queued']);

		for (const [index, id] of ids.entries()) {
			await vi.waitFor(() => expect(gates.has(id)).toBe(true));
			expect(started).toEqual(ids.slice(0, index + 1));
			gates.get(id)?.resolve({ n: index });
			await queue.settled(id);
		}
		expect(maxRunning).toBe(1);
		expect(queue.stats()).toEqual({ queued: 0, running: 0 });
		expect(ids.map((id) => store.get(id)?.result)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
	});

	it('runs up to the concurrency in parallel', async () => {
		const store = openStore();
		const gate = deferred();
		let running = 0;
		let maxRunning = 0;
		const queue = openQueue(
			store,
			async () => {
				running++;
				maxRunning = Math.max(maxRunning, running);
				await gate.promise;
				running--;
				return null;
			},
			{ concurrency: 2 }
		);
		const ids = [1, 2, 3].map(() => queue.submit(input()).id);
		expect(queue.stats()).toEqual({ queued: 1, running: 2 });
		gate.resolve(null);
		await Promise.all(ids.map((id) => queue.settled(id)));
		expect(maxRunning).toBe(2);
	});

	it('persists progress, throttled, and ends at 1', async () => {
		const store = openStore();
		const reported = deferred();
		const gate = deferred();
		const queue = openQueue(store, async (_task, onProgress) => {
			onProgress(0.5);
			onProgress(0.6); // within the throttle window: dropped
			reported.resolve(null);
			await gate.promise;
			onProgress(1);
			return { text: 'ok' };
		});
		const { id } = queue.submit(input());
		await reported.promise;
		expect(store.get(id)).toMatchObject({ status: 'running', progress: 0.5 });
		gate.resolve(null);
		expect(await queue.settled(id)).toMatchObject({ status: 'done', progress: 1 });
	});

	it('records success, keeps the result and deletes the input', async () => {
		const store = openStore();
		const queue = openQueue(store, async (task) => ({ text: `read ${task.inputName}`, params: task.params }));
		const task = queue.submit(input('asr', { language: 'ja' }));
		expect(existsSync(task.inputPath)).toBe(true);
		const done = await queue.settled(task.id);
		expect(done).toMatchObject({ status: 'done', error: null, result: { text: 'read talk.wav', params: { language: 'ja' } } });
		expect(existsSync(task.inputPath)).toBe(false);
	});

	it('records a failure with its error code, HTTP status and message and deletes the input', async () => {
		const store = openStore();
		const queue = openQueue(store, async () => {
			throw apiError('unsupported_media', { reason: 'Invalid data found' });
		});
		const task = queue.submit(input());
		const failed = await queue.settled(task.id);
		expect(failed).toMatchObject({
			status: 'failed',
			result: null,
			error: {
				code: 'unsupported_media',
				status: 415,
				param: 'file',
				message: expect.stringContaining(
					'could not be decoded as audio or video: it is not a media format the server reads, or it is damaged (ffmpeg: Invalid data found).'
				)
			}
		});
		expect(failed.finishedAt).toBeTypeOf('number');
		expect(existsSync(task.inputPath)).toBe(false);
	});

	it('handles a run that throws synchronously: an uncoded error is a server error', async () => {
		const store = openStore();
		const run: RunTask = () => {
			throw Object.assign(new Error('boom'), { status: 200 });
		};
		const queue = openQueue(store, run);
		const task = queue.submit(input());
		expect(await queue.settled(task.id)).toMatchObject({
			status: 'failed',
			error: { code: 'server_error', status: 500, message: 'The server failed: boom' }
		});
		expect(existsSync(task.inputPath)).toBe(false);
	});

	it('cancels a running task and a queued one: both fail with the reason, the next still runs', async () => {
		const store = openStore();
		const started: string[] = [];
		const queue = openQueue(store, async (task, _progress, signal) => {
			started.push(task.id);
			if (task.inputName === 'quick.wav') return 'ok';
			return untilAborted(signal);
		});
		const running = queue.submit(input());
		const queued = queue.submit(input());
		const next = queue.submit({ ...input(), inputName: 'quick.wav' });
		queue.cancel(queued.id, apiError('client_closed'));
		queue.cancel(running.id, apiError('client_closed'));
		for (const task of [running, queued]) {
			expect(await queue.settled(task.id)).toMatchObject({ status: 'failed', error: { code: 'client_closed', status: 499 } });
			expect(existsSync(task.inputPath)).toBe(false);
		}
		expect(await queue.settled(next.id)).toMatchObject({ status: 'done', result: 'ok' });
		expect(started).toEqual([running.id, next.id]);
		// A finished task stays as it is.
		queue.cancel(next.id, apiError('client_closed'));
		expect(store.get(next.id)).toMatchObject({ status: 'done' });
	});

	it('resolves settled() at once for a finished task and rejects an unknown id', async () => {
		const store = openStore();
		const queue = openQueue(store, async () => 'x');
		const task = queue.submit(input());
		await queue.settled(task.id);
		expect(await queue.settled(task.id)).toMatchObject({ status: 'done', result: 'x' });
		await expect(queue.settled('nope')).rejects.toThrow(/No task/);
	});

	it('resumes interrupted and queued tasks after a restart, in their original order', async () => {
		const store = openStore();
		let signals = 0;
		const queue = openQueue(store, (_task, _onProgress, signal) => {
			signals++;
			return untilAborted(signal);
		});
		const first = queue.submit(input());
		const second = queue.submit(input());
		expect(signals).toBe(1);
		await queue.close();
		// Shutdown is not failure: the running task stays running, the queued one queued, files kept.
		expect(store.get(first.id)?.status).toBe('running');
		expect(store.get(second.id)?.status).toBe('queued');
		expect(existsSync(first.inputPath)).toBe(true);
		expect(() => queue.submit(input())).toThrow(/closed/);
		store.close();

		const restarted = openStore();
		const order: string[] = [];
		const queueAfter = openQueue(restarted, async (task) => {
			order.push(task.id);
			return { text: task.id };
		});
		queueAfter.resume();
		const results = await Promise.all([queueAfter.settled(first.id), queueAfter.settled(second.id)]);
		expect(results.map((task) => task.status)).toEqual(['done', 'done']);
		expect(order).toEqual([first.id, second.id]);
		expect(existsSync(first.inputPath)).toBe(false);
		expect(existsSync(second.inputPath)).toBe(false);
	});

	it('rejects waiters when it closes before their task finishes', async () => {
		const store = openStore();
		const queue = openQueue(store, (_task, _onProgress, signal) => untilAborted(signal));
		const task = queue.submit(input());
		const waiting = queue.settled(task.id);
		await queue.close();
		await expect(waiting).rejects.toThrow(/closed/);
	});

	it('sweeps expired finished tasks and their files, keeping fresh and unfinished ones', async () => {
		let clock = 1_000_000;
		const now = () => clock;
		const store = openStore(now);
		const gate = deferred();
		const queue = openQueue(
			store,
			async (task, _onProgress, signal) => {
				if (task.inputName === 'slow.wav') await Promise.race([gate.promise, untilAborted(signal)]);
				if (task.inputName === 'bad.wav') throw new Error('bad');
				return 'ok';
			},
			{ concurrency: 1, ttlMs: HOUR, now }
		);
		const old = queue.submit(input());
		await queue.settled(old.id);
		const oldFailed = queue.submit({ ...input(), inputName: 'bad.wav' });
		await queue.settled(oldFailed.id);
		// Leave an input behind to prove the sweep deletes the file too.
		writeFileSync(old.inputPath, 'still here');

		clock += 2 * HOUR;
		const fresh = queue.submit(input());
		await queue.settled(fresh.id);
		const slow = queue.submit({ ...input(), inputName: 'slow.wav' });

		clock += HOUR / 2;
		expect(queue.sweep()).toBe(2);
		expect(store.get(old.id)).toBeUndefined();
		expect(store.get(oldFailed.id)).toBeUndefined();
		expect(existsSync(old.inputPath)).toBe(false);
		expect(store.get(fresh.id)?.status).toBe('done');
		expect(store.get(slow.id)?.status).toBe('running');
		expect(queue.sweep()).toBe(0);

		gate.resolve(null);
		await queue.settled(slow.id);
	});
});
