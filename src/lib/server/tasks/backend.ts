/**
 * @file What the API needs of wherever tasks live: submit one, read one, wait for one to finish,
 * count them. Two backends answer it: the embedded queue over SQLite (one process that also runs
 * the model; the default) and BullMQ over Redis (API nodes that run no model, and any number of
 * workers; QUEUE=redis).
 */
import type { ApiError } from '../errors';
import type { NewTask, TaskRecord, TaskStatus } from './store';

export type TaskCounts = Record<TaskStatus, number>;

export interface TaskBackend {
	readonly kind: 'embedded' | 'redis';
	/** Stores a new task and queues it; the task owns the uploaded file from here on. */
	submit(input: NewTask): Promise<TaskRecord>;
	get(id: string): Promise<TaskRecord | undefined>;
	/** Resolves with the finished task (done or failed); stops waiting when the signal aborts. */
	settled(id: string, signal?: AbortSignal): Promise<TaskRecord>;
	/**
	 * Stops a task nobody waits for any more: a queued one never starts, a running one is
	 * aborted; either fails with `reason`. A finished or unknown task is left as it is.
	 */
	cancel(id: string, reason: ApiError): Promise<void>;
	counts(): Promise<TaskCounts>;
	close(): Promise<void>;
}
