/** @file POST /asr: transcribe or translate an upload; the answer is the transcript file. */
import type { Transcript } from '$lib/core/transcript';
import { apiRoute, ASR_FILE_FIELDS, resultOf, settle, submit, upload } from '$lib/server/api/calls';
import { parseAsrQuery } from '$lib/server/api/params';
import { asrOutput } from '$lib/server/api/responses';
import { engineOptions } from '$lib/server/api/asr-options';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute('asr', async (event) => {
	const options = parseAsrQuery(event.url.searchParams);
	const file = await upload(event, ASR_FILE_FIELDS);
	const task = await settle(submit(file, { kind: 'transcribe', encode: options.encode, options: engineOptions(options) }));
	return asrOutput(resultOf<Transcript>(task), options.output, options.outputExtension, file.fileName);
});
