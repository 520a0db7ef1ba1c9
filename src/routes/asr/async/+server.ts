/** @file POST /asr/async: queue a transcription; poll GET /tasks/{task_id} for it. */
import { json } from '@sveltejs/kit';
import { apiRoute, ASR_FILE_FIELDS, submit, upload } from '$lib/server/api/calls';
import { engineOptions } from '$lib/server/api/asr-options';
import { parseAsrQuery } from '$lib/server/api/params';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute('asr', async (event) => {
	const options = parseAsrQuery(event.url.searchParams);
	const file = await upload(event, ASR_FILE_FIELDS);
	const task = submit(file, {
		kind: 'transcribe',
		encode: options.encode,
		options: engineOptions(options),
		output: options.output,
		outputExtension: options.outputExtension
	});
	return json({ task_id: task.id }, { status: 202, headers: { Location: `/tasks/${task.id}` } });
});
