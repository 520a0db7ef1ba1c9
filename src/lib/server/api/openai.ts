/**
 * @file POST /v1/audio/transcriptions and /translations: one route body for both, OpenAI's form
 * fields read as the engine's options (params.ts) and answered in OpenAI's formats.
 */
import { rmSync } from 'node:fs';
import type { RequestEvent } from '@sveltejs/kit';
import type { Transcript } from '../../core/transcript';
import { apiError } from '../errors';
import { service } from '../service';
import { apiRoute, OPENAI_FILE_FIELDS, resultOf, settle, submit, upload } from './handler';
import { OPENAI_MODEL_ALIAS } from './openapi';
import { parseOpenAiForm, type OpenAiEndpoint, type OpenAiRequest } from './params';
import { openAiOutput } from './responses';

export function openAiRoute(endpoint: OpenAiEndpoint) {
	return apiRoute(async (event: RequestEvent) => {
		// The form's fields come with the file, so the upload is read first (streamed to disk).
		const file = await upload(event, OPENAI_FILE_FIELDS);
		let request: OpenAiRequest;
		try {
			request = parseOpenAiForm(file.fields, endpoint);
			const served = service().config.model;
			if (request.model !== OPENAI_MODEL_ALIAS && request.model !== served) {
				throw apiError('model_not_found', { model: request.model, alias: OPENAI_MODEL_ALIAS, served });
			}
		} catch (error) {
			rmSync(file.path, { force: true }); // not queued: the upload is still ours to delete
			throw error;
		}
		const finished = await settle(event, submit(file, { kind: 'transcribe', encode: true, options: request.options }));
		return openAiOutput(resultOf<Transcript>(finished), request);
	});
}
