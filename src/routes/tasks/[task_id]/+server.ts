/** @file GET /tasks/{task_id}: a queued task's status and progress, and its result when done. */
import { json } from '@sveltejs/kit';
import type { Transcript } from '$lib/core/transcript';
import { layoutOf } from '$lib/core/subtitles/layout';
import { writeTranscript } from '$lib/core/writers';
import { transcriptJson } from '$lib/core/writers/json';
import { apiRoute } from '$lib/server/api/handler';
import { apiError } from '$lib/server/errors';
import { service } from '$lib/server/service';
import type { TaskParams } from '$lib/server/tasks/job';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ params }) => {
	const task = await service().tasks.get(params.task_id ?? '');
	if (!task) throw apiError('task_not_found', { id: params.task_id ?? '' });
	const stored = task.params as TaskParams;
	const { output = 'txt' } = stored;
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
		body.result =
			output === 'json'
				? transcriptJson(transcript)
				: writeTranscript(transcript, output, layoutOf(stored.kind === 'transcribe' ? stored.options : {}));
		body.duration = transcript.duration;
	}
	if (task.status === 'failed' && task.error) {
		const { status, code, message, param } = task.error;
		// Tasks stored before errors had codes carry none.
		body.error = { code: status, reason: code ?? 'server_error', message, param: param ?? null };
	}
	return json(body);
});
