/**
 * @file The OpenAPI 3.1 document of the Koe server, written once. It is what /openapi.json serves,
 * what Swagger UI at /docs renders, and what params.ts reads to validate requests: each
 * parameter's type, enum and default live here only. Enums come from the tables that own them
 * (languages, output formats, models), so the document cannot drift from the code.
 */
import { LANGUAGE_CODES, LANGUAGES } from '../../core/languages';
import { OUTPUT_FORMATS } from '../../core/writers';
import transcriptSchemaJson from '../../core/writers/transcript.schema.json';
import { MODELS } from '../../engine/models';

/** A JSON Schema (2020-12, OpenAPI 3.1's dialect), loosely typed: a table of keywords. */
export interface Schema {
	type?: string | readonly string[];
	enum?: readonly unknown[];
	default?: unknown;
	minimum?: number;
	maximum?: number;
	items?: Schema;
	properties?: Readonly<Record<string, Schema>>;
	required?: readonly string[];
	$ref?: string;
	[keyword: string]: unknown;
}

/** A type alias, not an interface, so that it also fits where a Schema is expected. */
export type Reference = { $ref: string };

export interface ParameterObject {
	name: string;
	in: 'query' | 'path' | 'header';
	required?: boolean;
	description?: string;
	schema: Schema;
}

export interface MediaTypeObject {
	schema: Schema;
	encoding?: Readonly<Record<string, unknown>>;
}

export interface RequestBodyObject {
	description?: string;
	required?: boolean;
	content: Readonly<Record<string, MediaTypeObject>>;
}

export interface ResponseObject {
	description: string;
	headers?: Readonly<Record<string, { description?: string; schema: Schema }>>;
	content?: Readonly<Record<string, MediaTypeObject>>;
}

export interface OperationObject {
	operationId: string;
	tags: readonly string[];
	summary: string;
	description?: string;
	parameters?: ReadonlyArray<ParameterObject | Reference>;
	requestBody?: RequestBodyObject | Reference;
	responses: Readonly<Record<string, ResponseObject>>;
	security?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
}

export type HttpMethod = 'get' | 'post';

export interface OpenApiDocument {
	openapi: '3.1.0';
	info: { title: string; description: string; version: string };
	tags: ReadonlyArray<{ name: string; description: string }>;
	paths: Readonly<Record<string, Partial<Record<HttpMethod, OperationObject>>>>;
	components: {
		schemas: Readonly<Record<string, Schema>>;
		parameters: Readonly<Record<string, ParameterObject>>;
		requestBodies: Readonly<Record<string, RequestBodyObject>>;
		securitySchemes: Readonly<Record<string, Readonly<Record<string, string>>>>;
	};
}

/** `task` on /asr; the /v1 family has one endpoint per task instead. */
export const TASKS = ['transcribe', 'translate'] as const;
export type Task = (typeof TASKS)[number];

/** OpenAI's `response_format` values (api-compat §2.1; diarized_json needs a diarizing model). */
export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export const TIMESTAMP_GRANULARITIES = ['word', 'segment'] as const;
export type TimestampGranularity = (typeof TIMESTAMP_GRANULARITIES)[number];

export const TASK_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

/** The model name OpenAI clients send; it means "the model this server runs". */
export const OPENAI_MODEL_ALIAS = 'whisper-1';

/**
 * Vendor keyword on a parameter's schema: an unknown value is served as the default instead of
 * refused (whisper-asr-webservice's `output`, whose clients send `text` and still get txt).
 */
export const UNKNOWN_AS_DEFAULT = 'x-koe-unknown-as-default';

/**
 * `format` of a string that names a Whisper language: a code, name or alias in any case, which
 * params.ts turns into the code before checking the enum.
 */
export const LANGUAGE_FORMAT = 'whisper-language';

const SECURITY_SCHEME = 'bearerAuth';
const secured = [{ [SECURITY_SCHEME]: [] }];

const ref = (kind: keyof OpenApiDocument['components'], name: string): Reference => ({ $ref: `#/components/${kind}/${name}` });

/** FastAPI lists the codes sorted (whisper-asr-webservice's schema); sorting here keeps that order. */
const sortedLanguageCodes = [...LANGUAGE_CODES].sort();

const languageSchema = (description: string): Schema => ({
	type: 'string',
	enum: sortedLanguageCodes,
	format: LANGUAGE_FORMAT,
	description
});

/** Swagger UI shows a file picker for either spelling; `format: binary` is what FastAPI writes. */
const binary = (description: string): Schema => ({
	type: 'string',
	format: 'binary',
	contentMediaType: 'application/octet-stream',
	description
});

const booleanQuery = (name: string, fallback: boolean, description: string): ParameterObject => ({
	name,
	in: 'query',
	required: false,
	description,
	schema: { type: 'boolean', default: fallback }
});

// ---- schemas ----

/** The json output's schema, shared with the writers; `$id`/`$schema` would rebase refs inside OpenAPI. */
const transcriptSchema: Schema = (() => {
	const { $id: _id, $schema: _schema, ...rest } = structuredClone(transcriptSchemaJson);
	return rest as Schema;
})();

const transcriptSegment = transcriptSchema.properties!.segments!.items!;
const transcriptWord = transcriptSegment.properties!.words!.items!;

const without = (schema: Schema, drop: string): Schema => ({
	...schema,
	required: schema.required?.filter((key) => key !== drop),
	properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([key]) => key !== drop))
});

const schemas = {
	AsrError: {
		type: 'object',
		description: 'Error body of the /asr family (and of /health, /tasks).',
		required: ['status', 'code', 'message'],
		properties: {
			status: { type: 'string', const: 'error' },
			code: { type: 'integer', description: 'The HTTP status, repeated.' },
			message: { type: 'string' }
		}
	},
	OpenAIError: {
		type: 'object',
		description: 'Error body of the /v1 family, in OpenAI\'s shape: all four keys are always present.',
		required: ['error'],
		properties: {
			error: {
				type: 'object',
				required: ['message', 'type', 'param', 'code'],
				properties: {
					message: { type: 'string' },
					type: { type: 'string', examples: ['invalid_request_error', 'server_error'] },
					param: { type: ['string', 'null'], description: 'The request field at fault.' },
					code: { type: ['string', 'null'], examples: ['invalid_api_key', 'model_not_found'] }
				}
			}
		}
	},
	Transcript: transcriptSchema,
	DetectedLanguage: {
		type: 'object',
		required: ['detected_language', 'language_code', 'confidence'],
		properties: {
			detected_language: { type: 'string', enum: LANGUAGES.map((language) => language.name), description: 'Lowercase English name.' },
			language_code: { type: 'string', enum: sortedLanguageCodes },
			confidence: { type: 'number', minimum: 0, maximum: 1, description: 'The detected language\'s probability.' }
		}
	},
	TaskCreated: {
		type: 'object',
		required: ['task_id'],
		properties: { task_id: { type: 'string', description: 'Poll GET /tasks/{task_id} with it.' } }
	},
	Task: {
		type: 'object',
		required: ['task_id', 'status', 'progress', 'output', 'created_at', 'updated_at'],
		properties: {
			task_id: { type: 'string' },
			status: { type: 'string', enum: TASK_STATUSES },
			progress: { type: 'number', minimum: 0, maximum: 1 },
			output: { type: 'string', description: 'The output format the task was started with.' },
			created_at: { type: 'string', format: 'date-time' },
			updated_at: { type: 'string', format: 'date-time' },
			result: {
				description: 'Present when done: the output as text, or as an object for output=json.',
				oneOf: [{ type: 'string' }, ref('schemas', 'Transcript')]
			},
			error: {
				type: 'object',
				description: 'Present when failed.',
				required: ['code', 'message'],
				properties: {
					code: { type: 'integer', description: 'The HTTP status the synchronous call would have answered.' },
					message: { type: 'string' }
				}
			}
		}
	},
	OpenAITranscription: {
		type: 'object',
		description: 'response_format=json.',
		required: ['text'],
		properties: { text: { type: 'string' } }
	},
	OpenAISegment: without(transcriptSegment, 'words'),
	OpenAIWord: without(transcriptWord, 'probability'),
	OpenAIVerboseTranscription: {
		type: 'object',
		description: 'response_format=verbose_json. `segments` unless only word granularity was asked; `words` only when asked.',
		required: ['task', 'language', 'duration', 'text'],
		properties: {
			task: { type: 'string', enum: TASKS },
			language: {
				type: 'string',
				enum: LANGUAGES.map((language) => language.name),
				description: 'Full lowercase English name; always english for translations.'
			},
			duration: { type: 'number', minimum: 0, description: 'Seconds of audio.' },
			text: { type: 'string' },
			segments: { type: 'array', items: ref('schemas', 'OpenAISegment') },
			words: { type: 'array', items: ref('schemas', 'OpenAIWord') },
			usage: {
				type: 'object',
				required: ['type', 'seconds'],
				properties: { type: { type: 'string', const: 'duration' }, seconds: { type: 'number', minimum: 0 } }
			}
		}
	},
	Model: {
		type: 'object',
		required: ['id', 'object', 'created', 'owned_by'],
		properties: {
			id: { type: 'string', examples: [OPENAI_MODEL_ALIAS, ...Object.keys(MODELS)] },
			object: { type: 'string', const: 'model' },
			created: { type: 'integer', description: 'Unix seconds.' },
			owned_by: { type: 'string' }
		}
	},
	ModelList: {
		type: 'object',
		required: ['object', 'data'],
		properties: {
			object: { type: 'string', const: 'list' },
			data: { type: 'array', items: ref('schemas', 'Model') }
		}
	},
	Health: {
		type: 'object',
		required: ['status', 'model'],
		properties: {
			status: { type: 'string', enum: ['ok', 'loading', 'failed'] },
			model: { type: 'string', enum: Object.keys(MODELS), description: 'The registry id the API serves.' },
			queued: { type: 'integer', description: 'Tasks waiting.' },
			running: { type: 'integer', description: 'Tasks being transcribed.' },
			message: { type: 'string', description: 'Why the model failed to load (status failed).' }
		}
	}
} satisfies Record<string, Schema>;

// ---- parameters (the /asr family's query) ----

const BEAM_SIZE_DESCRIPTION =
	'Beams at temperature 0 (an extension to both APIs, as whisper.cpp\'s server has). 1 is greedy, the fastest; 5 is faster-whisper\'s default, somewhat more accurate and about twice the time. Absent: the server\'s BEAM_SIZE (1 unless its operator chose otherwise).';
const BEAM_SIZE_SCHEMA: Schema = { type: 'integer', minimum: 1, maximum: 16 };

const parameters = {
	encode: booleanQuery('encode', true, 'Decode the upload with ffmpeg. false: the body is headerless 16-bit little-endian mono PCM at 16 kHz (a WAV header is skipped if present).'),
	task: {
		name: 'task',
		in: 'query',
		required: false,
		schema: { type: 'string', enum: TASKS, default: 'transcribe' },
		description: 'translate: into English.'
	},
	language: {
		name: 'language',
		in: 'query',
		required: false,
		schema: languageSchema('A Whisper language code, or a language name or alias in any case (English, castilian). Empty or absent: detect it.')
	},
	initial_prompt: {
		name: 'initial_prompt',
		in: 'query',
		required: false,
		description: 'Text that primes the decoder (spellings, names, style).',
		schema: { type: 'string' }
	},
	vad_filter: booleanQuery('vad_filter', false, 'Skip stretches without speech.'),
	word_timestamps: booleanQuery('word_timestamps', false, 'Time every word (json: `words` per segment; vtt/srt: cues built from words).'),
	beam_size: {
		name: 'beam_size',
		in: 'query',
		required: false,
		description: BEAM_SIZE_DESCRIPTION,
		schema: BEAM_SIZE_SCHEMA
	},
	output: {
		name: 'output',
		in: 'query',
		required: false,
		description: 'The response layout. An unknown value is served as txt, and the download name keeps the value sent, as whisper-asr-webservice does.',
		schema: { type: 'string', enum: Object.keys(OUTPUT_FORMATS), default: 'txt', [UNKNOWN_AS_DEFAULT]: true }
	},
	task_id: { name: 'task_id', in: 'path', required: true, schema: { type: 'string' } }
} satisfies Record<string, ParameterObject>;

const ASR_QUERY = ['encode', 'task', 'language', 'initial_prompt', 'vad_filter', 'word_timestamps', 'beam_size', 'output'] as const;

// ---- request bodies ----

const openAiFields = {
	file: binary('The audio or video file: flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav, webm, or anything ffmpeg reads.'),
	model: {
		type: 'string',
		examples: [OPENAI_MODEL_ALIAS, ...Object.keys(MODELS)],
		description: `${OPENAI_MODEL_ALIAS} (the server's model) or a model id from GET /v1/models; another → 404 model_not_found.`
	},
	prompt: { type: 'string', description: 'Text that primes the decoder; for translations, in English.' },
	response_format: { type: 'string', enum: RESPONSE_FORMATS, default: 'json' },
	temperature: {
		type: 'number',
		minimum: 0,
		maximum: 1,
		default: 0,
		description: 'Sampling temperature. 0: greedy, raised automatically when a window decodes badly.'
	}
} satisfies Record<string, Schema>;

const multipart = (schema: Schema, encoding?: Record<string, unknown>): RequestBodyObject => ({
	required: true,
	content: { 'multipart/form-data': encoding ? { schema, encoding } : { schema } }
});

const requestBodies = {
	AudioFile: multipart({
		type: 'object',
		required: ['audio_file'],
		properties: { audio_file: binary('The audio or video file (`file` is accepted as another name for this part). With encode=false, raw PCM.') }
	}),
	Transcription: multipart(
		{
			type: 'object',
			required: ['file', 'model'],
			properties: {
				file: openAiFields.file,
				model: openAiFields.model,
				language: languageSchema('ISO-639-1 code (a Whisper language name works too). Absent: detect it.'),
				prompt: openAiFields.prompt,
				response_format: openAiFields.response_format,
				temperature: openAiFields.temperature,
				beam_size: { ...BEAM_SIZE_SCHEMA, description: BEAM_SIZE_DESCRIPTION },
				'timestamp_granularities[]': {
					type: 'array',
					items: { type: 'string', enum: TIMESTAMP_GRANULARITIES },
					default: ['segment'],
					description: 'word needs response_format=verbose_json. Send one part per value (`timestamp_granularities` is accepted too).'
				}
			}
		},
		{ 'timestamp_granularities[]': { style: 'form', explode: true } }
	),
	Translation: multipart({
		type: 'object',
		required: ['file', 'model'],
		properties: { ...openAiFields, beam_size: { ...BEAM_SIZE_SCHEMA, description: BEAM_SIZE_DESCRIPTION } }
	})
} satisfies Record<string, RequestBodyObject>;

// ---- responses ----

/** What each error status means on this server; a family may word one differently. */
const ERROR_MEANINGS: Readonly<Record<number, string>> = {
	400: 'A parameter is invalid, the upload is missing or empty, or raw PCM has an odd length.',
	401: 'Missing or wrong API key (only when the server sets API_KEYS).',
	404: 'Not found.',
	413: 'The upload is larger than MAX_UPLOAD_MB.',
	415: 'The upload could not be decoded as audio.',
	429: 'Too many requests from this address; retry after Retry-After seconds.',
	503: 'The model is still loading.',
	504: 'The synchronous time limit (SYNC_TIMEOUT_S) passed; the message names a task to poll instead.'
};

const retryAfter = { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 0 } } };

function errorResponses(schemaName: 'AsrError' | 'OpenAIError', statuses: readonly number[], meanings: Readonly<Record<number, string>> = {}): Record<string, ResponseObject> {
	return Object.fromEntries(
		statuses.map((status) => [
			String(status),
			{
				description: meanings[status] ?? ERROR_MEANINGS[status] ?? 'Error.',
				...(status === 429 ? { headers: retryAfter } : {}),
				content: { 'application/json': { schema: ref('schemas', schemaName) } }
			}
		])
	);
}

const json = (schema: Schema) => ({ 'application/json': { schema } });

const asrSuccess: ResponseObject = {
	description: 'The transcript in the requested layout. Always text/plain, json included, as whisper-asr-webservice sends it.',
	headers: {
		'Content-Disposition': { description: 'attachment; filename="<upload name>.<output>"', schema: { type: 'string' } },
		'Asr-Engine': { description: 'The engine that ran.', schema: { type: 'string' } }
	},
	content: { 'text/plain; charset=utf-8': { schema: { type: 'string' } } }
};

const openAiSuccess: ResponseObject = {
	description: 'json and verbose_json as JSON; text and srt as text/plain; vtt as text/vtt.',
	content: {
		'application/json': { schema: { oneOf: [ref('schemas', 'OpenAITranscription'), ref('schemas', 'OpenAIVerboseTranscription')] } },
		'text/plain': { schema: { type: 'string' } },
		'text/vtt': { schema: { type: 'string' } }
	}
};

const ASR_ERRORS = [400, 401, 413, 415, 429, 503, 504] as const;
const OPENAI_ERRORS = [400, 401, 404, 413, 415, 429, 503, 504] as const;
const OPENAI_MEANINGS = { 404: `Unknown model (code model_not_found); use ${OPENAI_MODEL_ALIAS} or an id from GET /v1/models.` };

const asrQuery = ASR_QUERY.map((name) => ref('parameters', name));

const paths = {
	'/asr': {
		post: {
			operationId: 'asr',
			tags: ['Endpoints'],
			summary: 'Transcribe or translate an audio file',
			description: 'whisper-asr-webservice compatible. Options go in the query string; the file goes in the multipart part audio_file.',
			parameters: asrQuery,
			requestBody: ref('requestBodies', 'AudioFile'),
			responses: { 200: asrSuccess, ...errorResponses('AsrError', ASR_ERRORS) },
			security: secured
		}
	},
	'/detect-language': {
		post: {
			operationId: 'detectLanguage',
			tags: ['Endpoints'],
			summary: 'Detect the spoken language',
			description: 'Reads the first 30 seconds.',
			parameters: [ref('parameters', 'encode')],
			requestBody: ref('requestBodies', 'AudioFile'),
			responses: { 200: { description: 'The most likely language.', content: json(ref('schemas', 'DetectedLanguage')) }, ...errorResponses('AsrError', ASR_ERRORS) },
			security: secured
		}
	},
	'/asr/async': {
		post: {
			operationId: 'asrAsync',
			tags: ['Endpoints'],
			summary: 'Start a transcription task',
			description: 'Same options as POST /asr; answers at once with a task to poll at GET /tasks/{task_id}. Tasks survive a restart.',
			parameters: asrQuery,
			requestBody: ref('requestBodies', 'AudioFile'),
			responses: {
				202: { description: 'Queued.', content: json(ref('schemas', 'TaskCreated')) },
				...errorResponses('AsrError', [400, 401, 413, 415, 429, 503])
			},
			security: secured
		}
	},
	'/tasks/{task_id}': {
		get: {
			operationId: 'getTask',
			tags: ['Endpoints'],
			summary: 'A task\'s state, and its result when done',
			parameters: [ref('parameters', 'task_id')],
			responses: {
				200: { description: 'The task.', content: json(ref('schemas', 'Task')) },
				...errorResponses('AsrError', [401, 404, 429], { 404: 'No such task (or it expired).' })
			},
			security: secured
		}
	},
	'/v1/audio/transcriptions': {
		post: {
			operationId: 'createTranscription',
			tags: ['OpenAI compatible'],
			summary: 'Transcribe audio (OpenAI audio API)',
			requestBody: ref('requestBodies', 'Transcription'),
			responses: { 200: openAiSuccess, ...errorResponses('OpenAIError', OPENAI_ERRORS, OPENAI_MEANINGS) },
			security: secured
		}
	},
	'/v1/audio/translations': {
		post: {
			operationId: 'createTranslation',
			tags: ['OpenAI compatible'],
			summary: 'Translate audio into English (OpenAI audio API)',
			requestBody: ref('requestBodies', 'Translation'),
			responses: { 200: openAiSuccess, ...errorResponses('OpenAIError', OPENAI_ERRORS, OPENAI_MEANINGS) },
			security: secured
		}
	},
	'/v1/models': {
		get: {
			operationId: 'listModels',
			tags: ['OpenAI compatible'],
			summary: 'The models this server answers to',
			responses: { 200: { description: 'The list.', content: json(ref('schemas', 'ModelList')) }, ...errorResponses('OpenAIError', [401, 429]) },
			security: secured
		}
	},
	'/health': {
		get: {
			operationId: 'health',
			tags: ['Server'],
			summary: 'Whether the model is loaded',
			responses: {
				200: { description: 'Ready.', content: json(ref('schemas', 'Health')) },
				503: { description: 'The model is still loading, or failed to load.', content: json(ref('schemas', 'Health')) }
			},
			security: []
		}
	}
} satisfies Record<string, Partial<Record<HttpMethod, OperationObject>>>;

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

export const openApiDocument: OpenApiDocument = deepFreeze({
	openapi: '3.1.0',
	info: {
		title: 'Koe',
		description:
			'Whisper speech recognition over HTTP. The /asr family is a drop-in for whisper-asr-webservice (Bazarr and other clients work unchanged); the /v1 family is a drop-in for OpenAI\'s audio API and its SDKs.',
		version: '0.1.0'
	},
	tags: [
		{ name: 'Endpoints', description: 'whisper-asr-webservice compatible. Errors: {"status":"error","code","message"}.' },
		{ name: 'OpenAI compatible', description: 'OpenAI audio API. Errors: {"error":{"message","type","param","code"}}.' },
		{ name: 'Server', description: 'Operations.' }
	],
	paths,
	components: {
		schemas,
		parameters,
		requestBodies,
		securitySchemes: {
			[SECURITY_SCHEME]: {
				type: 'http',
				scheme: 'bearer',
				description: 'Authorization: Bearer <key>. Only enforced when the server sets API_KEYS; otherwise the API is open.'
			}
		}
	}
});
