/** @file GET /tasks/{task_id}: a queued task's status and progress, and its result when done. */
import { json } from '@sveltejs/kit';
import type { Transcript } from '$lib/core/transcript';
import { writeTranscript } from '$lib/core/writers';
import { transcriptJson } from '$lib/core/writers/json';
import { apiRoute, type TaskParams } from '$lib/server/api/calls';
import { ApiError } from '$lib/server/api/errors';
import { service } from '$lib/server/service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute('asr', async ({ params }) => {
	const task = service().store.get(params.task_id ?? '');
	if (!task) throw new ApiError(404, `No task "${params.task_id}": it never existed, or it finished long enough ago to be deleted.`);
	const { output = 'txt' } = task.params as TaskParams;
	const body: Record<string, unknown> = {
		task_id: task.id,
		status: task.status,
		progress: task.progress,
		output,
		created_at: new Date(task.createdAt).toISOString(),
		updated_at: new Date(task.updatedAt).toISOString()
	};
	if (task.status === 'done') {
		const transcript = task.result as Transcript;
		// json as an object (not a string of JSON inside JSON); the other layouts as their text.
		body.result = output === 'json' ? transcriptJson(transcript) : writeTranscript(transcript, output);
	}
	if (task.status === 'failed' && task.error) body.error = { code: task.error.status, message: task.error.message };
	return json(body);
});
