/** @file POST /asr: transcribe or translate an upload; the answer is the transcript file. */
import type { Transcript } from '$lib/core/transcript';
import { apiRoute, ASR_FILE_FIELDS, resultOf, settle, submit, upload } from '$lib/server/api/handler';
import { parseAsrQuery } from '$lib/server/api/params';
import { asrOutput } from '$lib/server/api/responses';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async (event) => {
	const request = parseAsrQuery(event.url.searchParams);
	const file = await upload(event, ASR_FILE_FIELDS);
	const task = await settle(event, submit(file, { kind: 'transcribe', encode: request.encode, options: request.options }));
	return asrOutput(resultOf<Transcript>(task), request, file.fileName);
});
