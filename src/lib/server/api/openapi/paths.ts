/**
 * @file The operations of the OpenAPI document. Each names what it does (ErrorTrait), and its
 * error responses are read from the server's error table (../../errors.ts) by those traits, so
 * the document lists every status a route can answer and no other.
 */
import { ERRORS, type ErrorTrait } from '../../errors';
import { ASR_QUERY, OPENAI_MODEL_ALIAS } from './fields';
import { ref, type HttpMethod, type OperationObject, type ResponseObject, type Schema } from './types';

const SECURITY_SCHEME = 'bearerAuth';
const secured = [{ [SECURITY_SCHEME]: [] }];

export const securitySchemes = {
	[SECURITY_SCHEME]: {
		type: 'http',
		scheme: 'bearer',
		description: 'Authorization: Bearer <key>. Only enforced when the server sets API_KEYS; otherwise the API is open.'
	}
};

const retryAfter = { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 0 } } };

/** The error codes an operation with these traits can answer, grouped by status. */
export function errorCodesByStatus(traits: readonly ErrorTrait[]): Map<number, string[]> {
	const byStatus = new Map<number, string[]>();
	for (const [code, entry] of Object.entries(ERRORS)) {
		if (!entry.traits.some((trait) => trait === 'any' || traits.includes(trait))) continue;
		byStatus.set(entry.status, [...(byStatus.get(entry.status) ?? []), code]);
	}
	return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function errorResponses(family: 'AsrError' | 'OpenAIError', traits: readonly ErrorTrait[]): Record<string, ResponseObject> {
	return Object.fromEntries(
		[...errorCodesByStatus(traits)].map(([status, codes]) => [
			String(status),
			{
				description: codes.map((code) => `\`${code}\`: ${ERRORS[code as keyof typeof ERRORS].summary}`).join(' '),
				...(codes.some((code) => 'retryAfter' in ERRORS[code as keyof typeof ERRORS]) ? { headers: retryAfter } : {}),
				content: { 'application/json': { schema: ref('schemas', family) } }
			}
		])
	);
}

const json = (schema: Schema) => ({ 'application/json': { schema } });

const asrSuccess: ResponseObject = {
	description:
		'The transcript in the requested layout, shown inline (Swagger UI prints it in the response body). Always text/plain, json included, as whisper-asr-webservice sends it.',
	headers: {
		'Content-Disposition': {
			description: 'inline; filename="<upload name>.<output>" (`curl -OJ` saves under that name)',
			schema: { type: 'string' }
		},
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

const asrQuery = ASR_QUERY.map((name) => ref('parameters', name));

export const paths = {
	'/asr': {
		post: {
			operationId: 'asr',
			tags: ['Endpoints'],
			summary: 'Transcribe or translate an audio file',
			description: 'whisper-asr-webservice compatible. Options go in the query string; the file goes in the multipart part audio_file.',
			parameters: asrQuery,
			requestBody: ref('requestBodies', 'AudioFile'),
			responses: { 200: asrSuccess, ...errorResponses('AsrError', ['upload', 'query', 'work']) },
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
			responses: {
				200: { description: 'The most likely language.', content: json(ref('schemas', 'DetectedLanguage')) },
				...errorResponses('AsrError', ['upload', 'query', 'work'])
			},
			security: secured
		}
	},
	'/asr/async': {
		post: {
			operationId: 'asrAsync',
			tags: ['Endpoints'],
			summary: 'Start a transcription task',
			description:
				'Same options as POST /asr; answers at once with a task to poll at GET /tasks/{task_id}. Tasks survive a restart. What fails while the task runs is its `error`.',
			parameters: asrQuery,
			requestBody: ref('requestBodies', 'AudioFile'),
			responses: {
				202: { description: 'Queued.', content: json(ref('schemas', 'TaskCreated')) },
				...errorResponses('AsrError', ['upload', 'query'])
			},
			security: secured
		}
	},
	'/tasks/{task_id}': {
		get: {
			operationId: 'getTask',
			tags: ['Endpoints'],
			summary: "A task's state, and its result when done",
			parameters: [ref('parameters', 'task_id')],
			responses: {
				200: { description: 'The task.', content: json(ref('schemas', 'Task')) },
				...errorResponses('AsrError', ['task'])
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
			responses: { 200: openAiSuccess, ...errorResponses('OpenAIError', ['upload', 'form', 'work', 'model']) },
			security: secured
		}
	},
	'/v1/audio/translations': {
		post: {
			operationId: 'createTranslation',
			tags: ['OpenAI compatible'],
			summary: 'Translate audio into English (OpenAI audio API)',
			requestBody: ref('requestBodies', 'Translation'),
			responses: { 200: openAiSuccess, ...errorResponses('OpenAIError', ['upload', 'form', 'work', 'model']) },
			security: secured
		}
	},
	'/v1/models': {
		get: {
			operationId: 'listModels',
			tags: ['OpenAI compatible'],
			summary: `The models this server answers to (${OPENAI_MODEL_ALIAS} and the served model)`,
			responses: { 200: { description: 'The list.', content: json(ref('schemas', 'ModelList')) }, ...errorResponses('OpenAIError', []) },
			security: secured
		}
	},
	'/health': {
		get: {
			operationId: 'health',
			tags: ['Server'],
			summary: 'Whether this node can transcribe',
			responses: {
				200: { description: 'Ready.', content: json(ref('schemas', 'Health')) },
				503: {
					description: 'The model is still loading or failed to load; with QUEUE=redis, Redis does not answer or no worker is connected.',
					content: json(ref('schemas', 'Health'))
				}
			},
			security: []
		}
	},
	'/metrics': {
		get: {
			operationId: 'metrics',
			tags: ['Server'],
			summary: 'Prometheus metrics: tasks by state, job durations, seconds of audio',
			responses: { 200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
			security: []
		}
	}
} satisfies Record<string, Partial<Record<HttpMethod, OperationObject>>>;
