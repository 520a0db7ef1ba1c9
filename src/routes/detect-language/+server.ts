/** @file POST /detect-language: the spoken language of the first 30 s, with its probability. */
import { json } from '@sveltejs/kit';
import type { LanguageDetection } from '$lib/engine';
import { apiRoute, ASR_FILE_FIELDS, resultOf, settle, submit, upload } from '$lib/server/api/handler';
import { parseDetectQuery } from '$lib/server/api/params';
import { detectionBody } from '$lib/server/api/responses';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async (event) => {
	const { encode } = parseDetectQuery(event.url.searchParams);
	const file = await upload(event, ASR_FILE_FIELDS);
	const task = await settle(event, submit(file, { kind: 'detect-language', encode }));
	return json(detectionBody(resultOf<LanguageDetection>(task)));
});
