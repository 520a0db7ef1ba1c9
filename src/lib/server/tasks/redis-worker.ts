/**
 * @file A worker of the Redis backend (`npm run worker`): takes BullMQ jobs one at a time per
 * JOB_CONCURRENCY, runs each as the embedded queue would (job.ts), reports progress, and deletes
 * the upload once the job has finished for good. A job that fails with a server error is tried
 * again, JOB_ATTEMPTS times in all; a worker killed mid-job holds a lock that expires after
 * JOB_LOCK_S, and the job goes back to the queue, at most JOB_ATTEMPTS - 1 times. A caller's
 * mistake (a 4xx) fails at once, without retries.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { storedError } from '../errors';
import { removeInput, type RunTask } from './queue';
import { cancelKey, CANCEL_CHANNEL, encodeError, QUEUE_NAME, redisConnection, type JobData } from './redis';

export interface RedisWorkerOptions {
	url: string;
	concurrency: number;
	/** Seconds a job's lock lasts without renewal: how soon a dead worker's job is taken again. */
	lockSeconds: number;
	attempts: number;
	run: RunTask;
	/** Shown in logs and in Redis's client list. */
	name?: string;
	log?: (line: string) => void;
}

export function startRedisWorker(options: RedisWorkerOptions): Worker<JobData> {
	const name = options.name ?? `${hostname()}-${process.pid}`;
	const log = options.log ?? ((line: string) => console.log(line));
	// Cancellations (redis.ts): a key to read before a job starts, a channel for the jobs running.
	const commands = redisConnection(options.url, 'worker');
	const cancelled = (id: string) => commands.get(cancelKey(id)).catch(() => null);
	const worker = new Worker<JobData>(
		QUEUE_NAME,
		async (job, _token, signal) => {
			const id = job.id!;
			const cancellation = await cancelled(id);
			if (cancellation) {
				log(`Koe worker ${name}: task ${id} was cancelled before it started`);
				throw new UnrecoverableError(cancellation);
			}
			log(`Koe worker ${name}: task ${id} started (attempt ${job.attemptsMade + 1})`);
			const task = {
				...job.data,
				id,
				status: 'running' as const,
				progress: 0,
				result: null,
				error: null,
				createdAt: job.timestamp,
				updatedAt: Date.now(),
				finishedAt: null
			};
			try {
				const result = await options.run(
					task,
					(fraction) => void job.updateProgress(fraction).catch(() => {}),
					signal ?? new AbortController().signal
				);
				log(`Koe worker ${name}: task ${id} done`);
				return result;
			} catch (error) {
				const cancellation = signal?.aborted ? await cancelled(id) : null;
				if (cancellation) {
					log(`Koe worker ${name}: task ${id} cancelled`);
					throw new UnrecoverableError(cancellation);
				}
				const stored = storedError(error);
				const final = stored.status < 500 || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
				log(`Koe worker ${name}: task ${id} failed (${stored.code})${final ? '' : ', to be tried again'}`);
				throw stored.status < 500 ? new UnrecoverableError(encodeError(stored)) : new Error(encodeError(stored));
			}
		},
		{
			connection: redisConnection(options.url, 'worker'),
			concurrency: options.concurrency,
			name,
			lockDuration: options.lockSeconds * 1000,
			stalledInterval: options.lockSeconds * 1000,
			// A job whose worker stopped goes back to the queue this many times, then fails.
			maxStalledCount: Math.max(0, options.attempts - 1)
		}
	);
	// The upload goes once the job's outcome is recorded for good: not before (a job whose lock
	// lapsed may run again), and also for a job failed without running (its worker stopped too
	// often: BullMQ fails it when another worker picks it up).
	const subscriber = redisConnection(options.url, 'worker');
	void subscriber.subscribe(CANCEL_CHANNEL).catch((error: Error) => log(`Koe worker ${name}: no cancellations: ${error.message}`));
	subscriber.on('message', (_channel, id: string) => worker.cancelJob(id, 'cancelled'));
	worker.on('closed', () => {
		subscriber.disconnect();
		commands.disconnect();
	});
	worker.on('completed', (job) => removeInput(job.data.inputPath));
	worker.on('failed', (job) => {
		if (!job) return;
		void job.getState().then(
			(state) => state === 'failed' && removeInput(job.data.inputPath),
			() => {}
		);
	});
	return worker;
}
