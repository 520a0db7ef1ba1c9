/**
 * @file What each request takes: the transcription options from core/options.ts under each
 * request's names, plus each family's own fields (/asr's `encode` and `output`; /v1's `file`,
 * `model`, `response_format` and `timestamp_granularities[]`). The OpenAPI document states them
 * and params.ts validates requests against them, so documentation and validation agree.
 */
import { apiFields, documentedDefault, type ApiRequest } from '../../../core/options';
import { OUTPUT_FORMATS } from '../../../core/writers';
import { MODELS } from '../../../engine/models';
import { UNKNOWN_AS_DEFAULT, type ParameterObject, type RequestBodyObject, type Schema } from './types';

/** OpenAI's `response_format` values (api-compat §2.1; diarized_json needs a diarizing model). */
export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export const TIMESTAMP_GRANULARITIES = ['word', 'segment'] as const;
export type TimestampGranularity = (typeof TIMESTAMP_GRANULARITIES)[number];
export const GRANULARITIES_FIELD = 'timestamp_granularities[]';

/** The model name OpenAI clients send; it means "the model this server runs". */
export const OPENAI_MODEL_ALIAS = 'whisper-1';

/** Each option a request takes, as a JSON Schema under its name there. */
function optionSchemas(request: ApiRequest): Record<string, Schema> {
	return Object.fromEntries(
		apiFields(request).map((option) => {
			const fallback = documentedDefault(option);
			return [option.name, { ...option.schema, ...(fallback === undefined ? {} : { default: fallback }), description: option.description }];
		})
	);
}

const query = (name: string, schema: Schema): ParameterObject => {
	const { description, ...rest } = schema;
	return { name, in: 'query', required: false, ...(typeof description === 'string' ? { description } : {}), schema: rest };
};

// ---- /asr: the query string ----

const asrQuery: Record<string, Schema> = {
	encode: {
		type: 'boolean',
		default: true,
		description:
			'Decode the upload with ffmpeg. false: the body is headerless 16-bit little-endian mono PCM at 16 kHz (a WAV header is skipped if present).'
	},
	...optionSchemas('asr'),
	output: {
		type: 'string',
		enum: Object.keys(OUTPUT_FORMATS),
		default: 'txt',
		[UNKNOWN_AS_DEFAULT]: true,
		description:
			'The response layout. An unknown value is served as txt, and the download name keeps the value sent, as whisper-asr-webservice does.'
	}
};

/** /asr's query parameters in order, by name. */
export const ASR_QUERY = Object.keys(asrQuery);

export const parameters: Record<string, ParameterObject> = {
	...Object.fromEntries(Object.entries(asrQuery).map(([name, schema]) => [name, query(name, schema)])),
	task_id: { name: 'task_id', in: 'path', required: true, schema: { type: 'string' } }
};

// ---- /v1: multipart forms ----

/** Swagger UI shows a file picker for either spelling; `format: binary` is what FastAPI writes. */
const binary = (description: string): Schema => ({
	type: 'string',
	format: 'binary',
	contentMediaType: 'application/octet-stream',
	description
});

const openAiForm = (request: 'transcriptions' | 'translations'): Schema => ({
	type: 'object',
	required: ['file', 'model'],
	properties: {
		file: binary('The audio or video file: flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav, webm, or anything ffmpeg reads.'),
		model: {
			type: 'string',
			examples: [OPENAI_MODEL_ALIAS, ...Object.keys(MODELS)],
			description: `${OPENAI_MODEL_ALIAS} (the server's model) or a model id from GET /v1/models; another → 404 model_not_found.`
		},
		...optionSchemas(request),
		response_format: { type: 'string', enum: RESPONSE_FORMATS, default: 'json' },
		...(request === 'transcriptions'
			? {
					[GRANULARITIES_FIELD]: {
						type: 'array',
						items: { type: 'string', enum: TIMESTAMP_GRANULARITIES },
						default: ['segment'],
						description: 'word needs response_format=verbose_json. Send one part per value (`timestamp_granularities` is accepted too).'
					}
				}
			: {})
	}
});

const multipart = (schema: Schema, encoding?: Record<string, unknown>): RequestBodyObject => ({
	required: true,
	content: { 'multipart/form-data': encoding ? { schema, encoding } : { schema } }
});

export const requestBodies: Record<string, RequestBodyObject> = {
	AudioFile: multipart({
		type: 'object',
		required: ['audio_file'],
		properties: {
			audio_file: binary('The audio or video file (`file` is accepted as another name for this part). With encode=false, raw PCM.')
		}
	}),
	Transcription: multipart(openAiForm('transcriptions'), { [GRANULARITIES_FIELD]: { style: 'form', explode: true } }),
	Translation: multipart(openAiForm('translations'))
};
