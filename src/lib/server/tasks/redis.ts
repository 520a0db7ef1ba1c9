/**
 * @file The Redis task backend (QUEUE=redis): tasks are BullMQ jobs, so any API node can take
 * uploads and report on any task, and any number of worker processes (`npm run worker`, see
 * redis-worker.ts) run them. A job's id is the task's id; its data is what the embedded store
 * keeps (kind, params, the upload's path in the shared UPLOAD_DIR); its return value is the
 * result; a failure keeps the API's coded error. Finished jobs expire after TASK_TTL_HOURS.
 */
import { randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { apiError, isErrorCode, type ApiError, type StoredError } from '../errors';
import type { TaskBackend, TaskCounts } from './backend';
import type { NewTask, TaskRecord, TaskStatus } from './store';

export const QUEUE_NAME = 'koe-tasks';

/**
 * Cancelling a task (its synchronous caller hung up): the API node leaves the error under this
 * key, for a worker that takes the job later, and names the task on the channel, for the worker
 * running it now. BullMQ cannot fail a job another process holds.
 */
export const CANCEL_CHANNEL = 'koe-cancel';
export const cancelKey = (id: string) => `koe-cancelled:${id}`;

/** How long an API node waits for Redis before answering 503 (a request must never hang). */
const REDIS_TIMEOUT_MS = 5000;

/** What a job carries: the task as the embedded store would keep it. */
export type JobData = NewTask;

/**
 * A connection as BullMQ wants it: a worker's blocking calls wait through a reconnect (no retry
 * limit), an API node's calls fail soon, so that a request is answered while Redis is away.
 */
export function redisConnection(url: string, role: 'api' | 'worker'): Redis {
	return new Redis(
		url,
		role === 'worker' ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 3000 }
	);
}

/** BullMQ keeps a failure as one string; the API's coded error travels in it as JSON. */
const ERROR_PREFIX = 'koe-error:';

export function encodeError(error: StoredError): string {
	return `${ERROR_PREFIX}${JSON.stringify(error)}`;
}

function decodeError(reason: string | undefined, attempts: number): StoredError {
	if (reason?.startsWith(ERROR_PREFIX)) {
		const stored = JSON.parse(reason.slice(ERROR_PREFIX.length)) as StoredError;
		if (isErrorCode(stored.code)) return stored;
	}
	// BullMQ's own reasons: a job whose worker stopped more often than allowed ("stalled").
	const { code, status, message, param } = /stalled/i.test(reason ?? '')
		? apiError('job_interrupted', { attempts })
		: apiError('server_error', { reason: reason ?? 'the job failed.' });
	return { code, status, message, param };
}

const STATUS_OF: Readonly<Record<string, TaskStatus>> = {
	waiting: 'queued',
	'waiting-children': 'queued',
	delayed: 'queued',
	prioritized: 'queued',
	active: 'running',
	completed: 'done',
	failed: 'failed'
};

async function toRecord(job: Job<JobData>): Promise<TaskRecord | undefined> {
	const state = await job.getState();
	const status = STATUS_OF[state];
	if (!status) return undefined; // 'unknown': removed meanwhile
	const finishedAt = job.finishedOn ?? null;
	return {
		id: job.id!,
		status,
		kind: job.data.kind,
		params: job.data.params,
		inputPath: job.data.inputPath,
		inputName: job.data.inputName,
		progress: status === 'done' ? 1 : typeof job.progress === 'number' ? job.progress : 0,
		result: status === 'done' ? job.returnvalue : null,
		error: status === 'failed' ? decodeError(job.failedReason, job.stalledCounter ?? job.attemptsMade) : null,
		createdAt: job.timestamp,
		updatedAt: finishedAt ?? job.processedOn ?? job.timestamp,
		finishedAt
	};
}

export interface RedisBackendOptions {
	url: string;
	/** Tries per job when its worker fails or stops (a caller's mistake is never retried). */
	attempts: number;
	ttlSeconds: number;
	/** How often settled() looks again. */
	pollMs?: number;
}

export class RedisBackend implements TaskBackend {
	readonly kind = 'redis';
	readonly queue: Queue<JobData>;
	readonly #connection: Redis;
	readonly #options: RedisBackendOptions;

	constructor(options: RedisBackendOptions) {
		this.#options = options;
		this.#connection = redisConnection(options.url, 'api');
		this.queue = new Queue<JobData>(QUEUE_NAME, { connection: this.#connection });
		// Without a listener an 'error' event (Redis going away) would end the process; /health
		// and 503s tell clients, the log tells the operator once a minute.
		let lastLogged = 0;
		this.queue.on('error', (error) => {
			if (Date.now() - lastLogged < 60_000) return;
			lastLogged = Date.now();
			console.error(`Koe: Redis at REDIS_URL: ${error.message}`);
		});
	}

	async submit(input: NewTask): Promise<TaskRecord> {
		const { attempts, ttlSeconds } = this.#options;
		try {
			// BullMQ waits for a connection without end; a request must not, so ask first.
			if (!(await this.reachable())) throw new Error('no answer within a second');
			const job = await this.#inTime(
				this.queue.add(input.kind, input, {
					jobId: randomUUID(),
					attempts,
					backoff: { type: 'fixed', delay: 1000 },
					removeOnComplete: { age: ttlSeconds },
					removeOnFail: { age: ttlSeconds }
				})
			);
			return (await toRecord(job))!;
		} catch (error) {
			throw apiError('queue_unavailable', { reason: error instanceof Error ? error.message : String(error) });
		}
	}

	async get(id: string): Promise<TaskRecord | undefined> {
		try {
			const job = await this.#inTime(Job.fromId<JobData>(this.queue, id));
			return job ? await this.#inTime(toRecord(job)) : undefined;
		} catch (error) {
			throw apiError('queue_unavailable', { reason: error instanceof Error ? error.message : String(error) });
		}
	}

	/** A Redis call within REDIS_TIMEOUT_MS, or an error. */
	#inTime<T>(work: Promise<T>): Promise<T> {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS / 1000} s`)), REDIS_TIMEOUT_MS);
		});
		return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
	}

	/**
	 * Looks until the task has finished. Polling rather than BullMQ's events: a job may be retried
	 * or moved back after its worker stopped, and only its final state counts.
	 */
	async settled(id: string, signal?: AbortSignal): Promise<TaskRecord> {
		while (!signal?.aborted) {
			// One slow answer from Redis does not end the wait: the next look may get through.
			const task = await this.get(id).catch(() => null);
			if (task === undefined) throw new Error(`No task ${id}.`);
			if (task && (task.status === 'done' || task.status === 'failed')) return task;
			await new Promise((resolve) => setTimeout(resolve, this.#options.pollMs ?? 200));
		}
		throw signal.reason;
	}

	async cancel(id: string, reason: ApiError): Promise<void> {
		const { code, status, message, param } = reason;
		await this.#inTime(
			this.#connection
				.multi()
				.set(cancelKey(id), encodeError({ code, status, message, param }), 'EX', this.#options.ttlSeconds)
				.publish(CANCEL_CHANNEL, id)
				.exec()
		);
	}

	async counts(): Promise<TaskCounts> {
		const counts = await this.#inTime(
			this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'waiting-children', 'active', 'completed', 'failed')
		);
		const queued = (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0);
		return { queued, running: counts.active ?? 0, done: counts.completed ?? 0, failed: counts.failed ?? 0 };
	}

	/** Workers connected to the queue now (each BullMQ worker names its connection). */
	workers(): Promise<number> {
		return this.#inTime(this.queue.getWorkersCount());
	}

	/** Whether Redis answers, within a second. */
	async reachable(): Promise<boolean> {
		const ping = this.#connection.ping().then(
			(answer) => answer === 'PONG',
			() => false
		);
		const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
		return Promise.race([ping, timeout]);
	}

	/** The connection, for the shared rate limiter. */
	get connection(): Redis {
		return this.#connection;
	}

	async close(): Promise<void> {
		await this.queue.close();
		this.#connection.disconnect();
	}
}
