/**
 * @file The steps every API route shares: take the upload, queue the work as a task, wait for
 * it within SYNC_TIMEOUT_S, and answer any failure in the route family's error shape.
 */
import { rmSync } from 'node:fs';
import type { RequestEvent } from '@sveltejs/kit';
import { apiError, ApiError, fromStored } from '../errors';
import { service } from '../service';
import type { TaskParams } from '../tasks/job';
import type { TaskRecord } from '../tasks/store';
import { receiveUpload, type Upload } from '../upload';
import { errorResponse, familyOf } from './family';

/** Runs a route body; any failure becomes the error response of the path's family. */
export function apiRoute(body: (event: RequestEvent) => Promise<Response>) {
	return async (event: RequestEvent): Promise<Response> => {
		try {
			return await body(event);
		} catch (error) {
			await drain(event.request, error);
			return errorResponse(familyOf(event.url.pathname) ?? 'asr', error);
		} finally {
			uploadSlots.get(event)?.();
		}
	};
}

/** Requests with an upload in progress, per client address (MAX_UPLOADS_PER_CLIENT). */
const uploadsInProgress = new Map<string, number>();
/** How each request gives its slot back, once answered. */
const uploadSlots = new WeakMap<RequestEvent, () => void>();

function takeUploadSlot(event: RequestEvent, limit: number): void {
	const address = event.getClientAddress();
	const count = uploadsInProgress.get(address) ?? 0;
	if (count >= limit) throw apiError('too_many_uploads', { limit });
	uploadsInProgress.set(address, count + 1);
	uploadSlots.set(event, () => {
		uploadSlots.delete(event);
		const left = (uploadsInProgress.get(address) ?? 1) - 1;
		if (left > 0) uploadsInProgress.set(address, left);
		else uploadsInProgress.delete(address);
	});
}

/**
 * Refuses new work while QUEUE_LIMIT tasks wait, before the upload is stored (a refusal after a
 * large upload is written would waste the disk's time; the body is still read and dropped, so that
 * the client sees the answer rather than a reset). Retry-After: the time the running jobs may take to make room,
 * a guess of 10 s, as no job's length is known before it runs.
 */
async function checkQueueRoom(): Promise<void> {
	const { tasks, config } = service();
	const { queued } = await tasks.counts().catch(() => ({ queued: 0 }));
	if (queued >= config.queueLimit) throw apiError('queue_full', { limit: config.queueLimit, waitSeconds: 10 });
}

/**
 * Reads what is left of a refused request's body: a server that answers while the client is
 * still sending makes most clients see a reset connection instead of the error. Not for a body
 * refused for its size, which may be huge: that one is answered at once, and server.ts drops what
 * follows up to a limit (unread-body.ts).
 */
export async function drain(request: Request, error: unknown): Promise<void> {
	if (!request.body || request.bodyUsed || (error instanceof ApiError && error.code === 'file_too_large')) return;
	try {
		for await (const _ of request.body as unknown as AsyncIterable<Uint8Array>) {
			// discarded
		}
	} catch {
		// the client went away: nothing to answer
	}
}

/** The /asr family's file field, and its alias (the seed's curl examples send `file`). */
export const ASR_FILE_FIELDS = ['audio_file', 'file'] as const;
export const OPENAI_FILE_FIELDS = ['file'] as const;

/** Receives the request's file, once this client has a free upload slot and the queue has room. */
export async function upload(event: RequestEvent, fileFields: readonly string[]): Promise<Upload> {
	const { config, uploadDir } = service();
	takeUploadSlot(event, config.maxUploadsPerClient);
	await checkQueueRoom();
	return receiveUpload(event.request, { fileFields, maxBytes: config.maxUploadBytes, dir: uploadDir });
}

/**
 * Queues the work; the task owns the uploaded file from here on. Work that is refused (a model
 * that failed to load, a queue that does not answer) leaves the upload ours, and it is deleted.
 */
export async function submit(file: Upload, params: TaskParams): Promise<TaskRecord> {
	const { tasks, model } = service();
	try {
		if (model?.state.status === 'failed') throw apiError('model_unavailable', { model: model.modelId, reason: model.state.message });
		await checkQueueRoom(); // again: others may have filled it while this upload arrived
		return await tasks.submit({ kind: params.kind, params, inputPath: file.path, inputName: file.fileName });
	} catch (error) {
		rmSync(file.path, { force: true });
		throw error;
	}
}

/**
 * Aborts when the client hangs up, until `stop` aborts. Kit's request.signal only tells of a
 * hang-up during the upload; once the body is in, the connection's socket closing is the sign.
 * The socket outlives the request on a kept-alive connection, so its listener goes with `stop`.
 */
function hangUp(event: RequestEvent, stop: AbortSignal): AbortSignal {
	const socket = event.platform?.req?.socket;
	if (!socket) return event.request.signal;
	if (socket.destroyed) return AbortSignal.abort();
	const controller = new AbortController();
	const onClose = () => controller.abort();
	socket.once('close', onClose);
	stop.addEventListener('abort', () => socket.off('close', onClose), { once: true });
	return AbortSignal.any([controller.signal, event.request.signal]);
}

/**
 * Waits for a task within SYNC_TIMEOUT_S; past it, the answer names the task to poll. A client
 * that hangs up first wants no answer: its task is cancelled, so no GPU works for nobody.
 */
export async function settle(event: RequestEvent, pending: Promise<TaskRecord>): Promise<TaskRecord> {
	const { tasks, config } = service();
	const task = await pending;
	const stop = new AbortController();
	const gone = hangUp(event, stop.signal);
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		const error = () => apiError('sync_timeout', { seconds: config.syncTimeoutSeconds, taskId: task.id });
		timer = setTimeout(() => reject(error()), config.syncTimeoutSeconds * 1000);
	});
	const hungUp = new Promise<never>((_, reject) => {
		const cancel = () => {
			const error = apiError('client_closed');
			void tasks.cancel(task.id, error).catch((failure) => console.error(`Could not cancel task ${task.id}:`, failure));
			reject(error);
		};
		if (gone.aborted) cancel();
		else gone.addEventListener('abort', cancel, { once: true, signal: stop.signal });
	});
	try {
		return await Promise.race([tasks.settled(task.id, stop.signal), timeout, hungUp]);
	} finally {
		clearTimeout(timer);
		stop.abort(); // the answer is given: stop following the task
	}
}

/** The finished task's result; a failed task becomes its error, as stored. */
export function resultOf<T>(task: TaskRecord): T {
	if (task.status === 'failed') throw task.error ? fromStored(task.error) : apiError('server_error', { reason: 'the task failed.' });
	return task.result as T;
}
