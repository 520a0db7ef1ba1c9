/** @file The component schemas of the OpenAPI document: response bodies and the two error shapes. */
import { LANGUAGES } from '../../../core/languages';
import { OPTION_FIELDS, TASKS } from '../../../core/options';
import transcriptSchemaJson from '../../../core/writers/transcript.schema.json';
import { MODELS } from '../../../engine/models';
import { ERRORS } from '../../errors';
import { TASK_STATUSES } from '../../tasks/store';
import { OPENAI_MODEL_ALIAS } from './fields';
import { ref, type Schema } from './types';

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

export const schemas = {
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
		description: "Error body of the /v1 family, in OpenAI's shape: all four keys are always present.",
		required: ['error'],
		properties: {
			error: {
				type: 'object',
				required: ['message', 'type', 'param', 'code'],
				properties: {
					message: { type: 'string' },
					type: { type: 'string', examples: ['invalid_request_error', 'server_error'] },
					param: { type: ['string', 'null'], description: 'The request field at fault.' },
					code: {
						type: ['string', 'null'],
						enum: [...Object.keys(ERRORS), null],
						description: "Why, as a code from the server's error table."
					}
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
			language_code: { type: 'string', enum: OPTION_FIELDS.language.schema.enum },
			confidence: { type: 'number', minimum: 0, maximum: 1, description: "The detected language's probability." }
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
			duration: {
				type: 'number',
				minimum: 0,
				description: "Present when done: the recording's length in seconds (the page tells a file too short for speech by it)."
			},
			error: {
				type: 'object',
				description: 'Present when failed.',
				required: ['code', 'reason', 'message', 'param'],
				properties: {
					code: { type: 'integer', description: 'The HTTP status the synchronous call would have answered.' },
					reason: {
						type: 'string',
						enum: Object.keys(ERRORS),
						description: "Why, as a code from the server's error table (OpenAI's `code`)."
					},
					message: { type: 'string' },
					param: { type: ['string', 'null'], description: 'The request field at fault.' }
				}
			}
		}
	},
	OpenAITranscription: {
		type: 'object',
		// Closed, so that a verbose_json body does not fit it too: the 200 answer is oneOf the two.
		description: 'response_format=json.',
		required: ['text'],
		properties: { text: { type: 'string' } },
		additionalProperties: false
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
			status: { type: 'string', enum: ['ok', 'loading', 'failed', 'unavailable'] },
			model: { type: 'string', enum: Object.keys(MODELS), description: 'The registry id the API serves.' },
			queue: { type: 'string', enum: ['embedded', 'redis'], description: 'Where tasks live (QUEUE).' },
			redis: { type: 'string', enum: ['ok', 'unreachable'], description: 'QUEUE=redis: whether Redis answers.' },
			workers: { type: 'integer', minimum: 0, description: 'QUEUE=redis: workers connected now.' },
			queued: { type: 'integer', description: 'Tasks waiting.' },
			running: { type: 'integer', description: 'Tasks being transcribed.' },
			message: {
				type: 'string',
				description:
					"Why it is not ready: what loading is doing (a download's progress), why it failed, or what is missing (Redis, workers)."
			}
		}
	}
} satisfies Record<string, Schema>;
