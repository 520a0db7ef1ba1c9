/**
 * @file The steps every API route shares: take the upload, queue the work as a task, wait for
 * it within SYNC_TIMEOUT_S, and answer failures in the route family's error shape.
 */
import type { RequestEvent } from '@sveltejs/kit';
import type { OutputFormatId } from '../../core/writers';
import type { JobParams } from '../jobs';
import { service } from '../service';
import type { TaskRecord } from '../tasks/store';
import { receiveUpload, type Upload } from '../upload';
import { ApiError } from './errors';
import { asrError, openAiError } from './responses';

export type Family = 'asr' | 'openai';

/** A task's stored parameters: the job, and for /asr/async the layout GET /tasks renders. */
export type TaskParams = JobParams & { output?: OutputFormatId; outputExtension?: string };

/** Runs a route body; any failure becomes the family's error response. */
export function apiRoute(family: Family, body: (event: RequestEvent) => Promise<Response>) {
	return async (event: RequestEvent): Promise<Response> => {
		try {
			return await body(event);
		} catch (error) {
			await drain(event.request, error);
			return family === 'asr' ? asrError(error) : openAiError(error);
		}
	};
}

/**
 * Reads what is left of a refused request's body: a server that answers while the client is
 * still sending makes most clients see a reset connection instead of the error. Not for a body
 * refused for its size, whose connection is closed instead.
 */
export async function drain(request: Request, error: unknown): Promise<void> {
	if (!request.body || request.bodyUsed || (error instanceof ApiError && error.status === 413)) return;
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

export function upload(event: RequestEvent, fileFields: readonly string[]): Promise<Upload> {
	const { config, uploadDir } = service();
	return receiveUpload(event.request, { fileFields, maxBytes: config.maxUploadBytes, dir: uploadDir });
}

/** Queues the work; the task owns the uploaded file from here on. */
export function submit(file: Upload, params: TaskParams): TaskRecord {
	return service().queue.submit({ kind: params.kind, params, inputPath: file.path, inputName: file.fileName });
}

/** Waits for a task within SYNC_TIMEOUT_S; past it, the answer names the task to poll. */
export async function settle(task: TaskRecord): Promise<TaskRecord> {
	const { queue, config } = service();
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() =>
				reject(
					new ApiError(
						504,
						`This took longer than ${config.syncTimeoutSeconds} s (SYNC_TIMEOUT_S), so the answer could not wait. ` +
							`The work goes on as task ${task.id}: poll GET /tasks/${task.id}, and send long files to POST /asr/async.`,
						null,
						'timeout'
					)
				),
			config.syncTimeoutSeconds * 1000
		);
	});
	try {
		return await Promise.race([queue.settled(task.id), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** The finished task's result; a failed task becomes its error. */
export function resultOf<T>(task: TaskRecord): T {
	if (task.status === 'failed') throw new ApiError(task.error?.status ?? 500, task.error?.message ?? 'The task failed.');
	return task.result as T;
}
