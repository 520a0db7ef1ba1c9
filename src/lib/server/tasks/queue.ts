/**
 * @file The job queue over the task store: runs at most `concurrency` tasks at once, first in
 * first out, records their progress and outcome, deletes inputs once a task has finished and
 * whole tasks once they expire. The queue's line lives in memory; the store is the truth, so a
 * restart rebuilds the line from it with resume().
 */
import { rmSync } from 'node:fs';
import { storedError, type ApiError } from '../errors';
import type { NewTask, TaskRecord, TaskStore } from './store';

export type RunTask = (task: TaskRecord, onProgress: (fraction: number) => void, signal: AbortSignal) => Promise<unknown>;

export interface JobQueueOptions {
	store: TaskStore;
	/** Jobs run at once; at least 1. */
	concurrency: number;
	run: RunTask;
	/** Finished tasks are deleted this long after they finish. */
	ttlMs: number;
	/** The clock sweep() judges expiry by; tests move it instead of waiting. */
	now?: () => number;
}

/** At most ~4 progress writes a second per task: polling clients need no more. */
const PROGRESS_INTERVAL_MS = 250;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

interface ActiveJob {
	controller: AbortController;
	done: Promise<void>;
}

interface Waiter {
	resolve: (task: TaskRecord) => void;
	reject: (error: Error) => void;
}

function isFinished(task: TaskRecord): boolean {
	return task.status === 'done' || task.status === 'failed';
}

/** Inputs are disposable once a task ends; a file that is already gone is fine. */
export function removeInput(filePath: string): void {
	try {
		rmSync(filePath, { force: true });
	} catch (error) {
		console.error(`Could not delete task input ${filePath}:`, error);
	}
}

export class JobQueue {
	readonly #store: TaskStore;
	readonly #concurrency: number;
	readonly #run: RunTask;
	readonly #ttlMs: number;
	readonly #now: () => number;
	/** Task ids waiting to start, oldest first. */
	#pending: string[] = [];
	readonly #active = new Map<string, ActiveJob>();
	readonly #waiters = new Map<string, Waiter[]>();
	readonly #sweepTimer: ReturnType<typeof setInterval>;
	#closed = false;

	constructor(options: JobQueueOptions) {
		if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
			throw new RangeError(`concurrency must be an integer of at least 1, got ${options.concurrency}`);
		}
		this.#store = options.store;
		this.#concurrency = options.concurrency;
		this.#run = options.run;
		this.#ttlMs = options.ttlMs;
		this.#now = options.now ?? Date.now;
		this.#sweepTimer = setInterval(() => this.#sweepSafely(), SWEEP_INTERVAL_MS);
		// The sweep alone must not keep the process alive.
		this.#sweepTimer.unref();
	}

	/** Stores a new task and schedules it; returns the record (status queued). */
	submit(input: NewTask): TaskRecord {
		if (this.#closed) throw new Error('The job queue is closed.');
		const task = this.#store.create(input);
		this.#pending.push(task.id);
		this.#pump();
		return task;
	}

	/**
	 * Resolves with the finished record (done or failed); never rejects for a failed task.
	 * Rejects for an unknown id, and when the queue closes before the task finishes.
	 */
	settled(id: string): Promise<TaskRecord> {
		const task = this.#store.get(id);
		if (!task) return Promise.reject(new Error(`No task ${id}.`));
		if (isFinished(task)) return Promise.resolve(task);
		if (this.#closed) return Promise.reject(new Error('The job queue closed before the task finished.'));
		return new Promise((resolve, reject) => {
			const waiters = this.#waiters.get(id) ?? [];
			waiters.push({ resolve, reject });
			this.#waiters.set(id, waiters);
		});
	}

	/**
	 * At startup: tasks left queued or running by a previous process go back in line (running →
	 * queued first), oldest first. The line is rebuilt from the store, so tasks submitted before
	 * this call keep their place by age.
	 */
	resume(): void {
		if (this.#closed) return;
		const line: string[] = [];
		for (const task of this.#store.unfinished()) {
			if (this.#active.has(task.id)) continue;
			if (task.status === 'running') this.#store.requeue(task.id);
			line.push(task.id);
		}
		this.#pending = line;
		this.#pump();
	}

	/** Takes a queued task out of the line, or aborts a running one; either fails with `reason`. */
	cancel(id: string, reason: ApiError): void {
		const waiting = this.#pending.indexOf(id);
		if (waiting >= 0) {
			this.#pending.splice(waiting, 1);
			const task = this.#store.get(id);
			if (!task) return;
			this.#store.fail(id, storedError(reason));
			removeInput(task.inputPath);
			this.#notify(id);
			return;
		}
		this.#active.get(id)?.controller.abort(reason);
	}

	/** Deletes expired finished tasks and their input files. Returns how many. */
	sweep(): number {
		const expired = this.#store.expired(this.#now(), this.#ttlMs);
		for (const task of expired) {
			removeInput(task.inputPath);
			this.#store.delete(task.id);
		}
		return expired.length;
	}

	/**
	 * Stops taking work, aborts running jobs and resolves when they have stopped. Aborted jobs
	 * stay 'running' in the store and queued ones stay queued, so the next start resumes them.
	 */
	async close(): Promise<void> {
		if (!this.#closed) {
			this.#closed = true;
			clearInterval(this.#sweepTimer);
			this.#pending = [];
			for (const job of this.#active.values()) job.controller.abort(new Error('The server is shutting down.'));
		}
		await Promise.all([...this.#active.values()].map((job) => job.done));
		this.#rejectWaiters();
	}

	/** Counts for /health. */
	stats(): { queued: number; running: number } {
		return { queued: this.#pending.length, running: this.#active.size };
	}

	#pump(): void {
		while (!this.#closed && this.#active.size < this.#concurrency && this.#pending.length > 0) {
			const id = this.#pending.shift() as string;
			this.#start(id);
		}
	}

	#start(id: string): void {
		this.#store.markRunning(id);
		const task = this.#store.get(id);
		// Deleted, or finished by someone else, while it waited.
		if (!task || task.status !== 'running') return;
		const controller = new AbortController();
		const job: ActiveJob = { controller, done: Promise.resolve() };
		this.#active.set(id, job);
		job.done = this.#execute(task, controller.signal).then((recorded) => {
			// Free the slot before waking waiters, so stats() agrees with a settled task.
			this.#active.delete(id);
			this.#pump();
			if (recorded) this.#notify(id);
		});
	}

	/**
	 * Runs one job and records its outcome; true when it finished (done or failed). Never
	 * rejects, since nobody awaits it but close().
	 */
	async #execute(task: TaskRecord, signal: AbortSignal): Promise<boolean> {
		const progress = this.#progressWriter(task.id);
		let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
		try {
			// Inside an async function a synchronous throw from run() lands in the catch too.
			outcome = { ok: true, result: await this.#run(task, progress.report, signal) };
		} catch (error) {
			outcome = { ok: false, error };
		}
		progress.stop();
		try {
			if (outcome.ok) {
				this.#store.finish(task.id, outcome.result);
			} else if (this.#closed && signal.aborted) {
				// Interrupted by shutdown, not failed: leave it 'running' so resume() re-queues it.
				return false;
			} else if (signal.aborted) {
				// Cancelled (cancel()): the reason is the error, whatever the job threw on its way out.
				this.#store.fail(task.id, storedError(signal.reason));
			} else {
				this.#store.fail(task.id, storedError(outcome.error));
			}
			removeInput(task.inputPath);
			return true;
		} catch (error) {
			console.error(`Could not record the outcome of task ${task.id}:`, error);
			return false;
		}
	}

	/** Throttled progress writes; the final 1 always goes through, late reports are dropped. */
	#progressWriter(id: string): { report: (fraction: number) => void; stop: () => void } {
		let lastWrite = Number.NEGATIVE_INFINITY;
		let stopped = false;
		const report = (fraction: number): void => {
			if (stopped || !Number.isFinite(fraction)) return;
			const now = Date.now();
			if (fraction < 1 && now - lastWrite < PROGRESS_INTERVAL_MS) return;
			lastWrite = now;
			try {
				this.#store.setProgress(id, fraction);
			} catch (error) {
				// Progress is advisory: losing a write must not fail the job.
				console.error(`Could not record progress of task ${id}:`, error);
			}
		};
		const stop = (): void => {
			stopped = true;
		};
		return { report, stop };
	}

	#notify(id: string): void {
		const waiters = this.#waiters.get(id);
		if (!waiters) return;
		this.#waiters.delete(id);
		const task = this.#store.get(id);
		for (const waiter of waiters) {
			if (task) waiter.resolve(task);
			else waiter.reject(new Error(`No task ${id}.`));
		}
	}

	#rejectWaiters(): void {
		for (const waiters of this.#waiters.values()) {
			for (const waiter of waiters) waiter.reject(new Error('The job queue closed before the task finished.'));
		}
		this.#waiters.clear();
	}

	#sweepSafely(): void {
		try {
			this.sweep();
		} catch (error) {
			console.error('Task sweep failed:', error);
		}
	}
}
