/** @file POST /asr/async: queue a transcription; poll GET /tasks/{task_id} for it. */
import { json } from '@sveltejs/kit';
import { apiRoute, ASR_FILE_FIELDS, submit, upload } from '$lib/server/api/handler';
import { parseAsrQuery } from '$lib/server/api/params';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async (event) => {
	const { encode, options, output, outputExtension } = parseAsrQuery(event.url.searchParams);
	const file = await upload(event, ASR_FILE_FIELDS);
	const task = await submit(file, { kind: 'transcribe', encode, options, output, outputExtension });
	return json({ task_id: task.id }, { status: 202, headers: { Location: `/tasks/${task.id}` } });
});
