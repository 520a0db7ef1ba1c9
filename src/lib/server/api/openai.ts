/**
 * @file POST /v1/audio/transcriptions and /translations: OpenAI's form fields to the engine's
 * options, one route body for both.
 */
import { rmSync } from 'node:fs';
import type { RequestEvent } from '@sveltejs/kit';
import type { Transcript } from '../../core/transcript';
import type { TranscribeOptions } from '../../engine/transcribe';
import { service } from '../service';
import { apiRoute, OPENAI_FILE_FIELDS, resultOf, settle, submit, upload } from './calls';
import { ApiError } from './errors';
import { OPENAI_MODEL_ALIAS } from './openapi';
import { parseOpenAiForm, type OpenAiEndpoint, type OpenAiOptions } from './params';
import { openAiOutput } from './responses';

function engineOptions(options: OpenAiOptions, task: 'transcribe' | 'translate'): TranscribeOptions {
	return {
		task,
		...(options.language ? { language: options.language } : {}),
		...(options.prompt ? { initialPrompt: options.prompt } : {}),
		wordTimestamps: options.granularities.includes('word'),
		...(options.beamSize ? { beamSize: options.beamSize } : {}),
		// OpenAI: 0 means "raise it by the log-probability thresholds", Whisper's fallback ladder.
		...(options.temperature > 0 ? { temperature: options.temperature } : {})
	};
}

export function openAiRoute(endpoint: OpenAiEndpoint) {
	const task = endpoint === 'translations' ? 'translate' : 'transcribe';
	return apiRoute('openai', async (event: RequestEvent) => {
		// The form's fields come with the file, so the upload is read first (streamed to disk).
		const file = await upload(event, OPENAI_FILE_FIELDS);
		let options: OpenAiOptions;
		try {
			options = parseOpenAiForm(file.fields, endpoint);
			const served = service().config.model;
			if (options.model !== OPENAI_MODEL_ALIAS && options.model !== served) {
				throw new ApiError(404, `The model "${options.model}" does not exist on this server. Use "${OPENAI_MODEL_ALIAS}" or "${served}".`, 'model', 'model_not_found');
			}
		} catch (error) {
			rmSync(file.path, { force: true }); // not queued: the upload is still ours to delete
			throw error;
		}
		const finished = await settle(submit(file, { kind: 'transcribe', encode: true, options: engineOptions(options, task) }));
		return openAiOutput(resultOf<Transcript>(finished), options, task);
	});
}
