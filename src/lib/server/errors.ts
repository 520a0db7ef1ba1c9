/**
 * @file The server's errors, in one table: each code with its HTTP status, the request field at
 * fault, a message a person understands, and which kinds of operation can answer it (from which
 * the OpenAPI document lists each route's error responses). Every refusal the server makes is an
 * ApiError built from a row here; each API family words it in its own shape (api/responses.ts),
 * and a task that fails stores its code, so GET /tasks and a synchronous call report the same.
 */
import { OPTION_FIELDS, type OptionName } from '../core/options';
// The engine's light errors module (no model runtime), so that server.ts can word errors too.
import { EngineError, EnglishOnlyModelError, InvalidOptionError, UnsupportedLanguageError } from '../engine/errors';

/**
 * What an operation does, and so which errors it can answer: `any` (every API route: keys, rate,
 * faults), `upload` (takes a file and queues work), `query`/`form` (reads options), `work`
 * (waits for the work), `model` (names a model), `task` (reads a task).
 */
export type ErrorTrait = 'any' | 'upload' | 'query' | 'form' | 'work' | 'model' | 'task';

interface ErrorRow<Details> {
	status: number;
	traits: readonly ErrorTrait[];
	/** One sentence for the OpenAPI document. */
	summary: string;
	message: (details: Details) => string;
	param?: (details: Details) => string | null;
	headers?: (details: Details) => Record<string, string>;
	/** Seconds to wait before trying again (the Retry-After header). */
	retryAfter?: (details: Details) => number;
}

const row = <Details = void>(entry: ErrorRow<Details>): ErrorRow<Details> => entry;

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export const ERRORS = {
	invalid_parameter: row<{ param: string; value: string; expected: string }>({
		status: 400,
		traits: ['query', 'form'],
		summary: 'A parameter has a value it does not accept; the message names it and what it accepts.',
		message: ({ param, value, expected }) => `Invalid value "${value}" for parameter "${param}": expected ${expected}.`,
		param: ({ param }) => param
	}),
	missing_parameter: row<{ param: string; expected: string }>({
		status: 400,
		traits: ['form'],
		summary: 'A required form field is missing.',
		message: ({ param, expected }) => `Missing required parameter "${param}"${expected ? `: expected ${expected}` : ''}.`,
		param: ({ param }) => param
	}),
	not_multipart: row<{ field: string; contentType: string | null }>({
		status: 415,
		traits: ['upload'],
		summary: 'The body is not multipart/form-data.',
		message: ({ field, contentType }) =>
			`Send the media as multipart/form-data with a file field "${field}" (got ${contentType ? `"${contentType}"` : 'no Content-Type'}).`,
		param: ({ field }) => field
	}),
	unreadable_body: row<{ reason: string }>({
		status: 400,
		traits: ['upload'],
		summary: 'The multipart body is malformed, or the client stopped sending it.',
		message: ({ reason }) => `The multipart body could not be read: ${reason}.`
	}),
	missing_file: row<{ field: string; sentAsText: boolean }>({
		status: 400,
		traits: ['upload'],
		summary: 'The form has no file part.',
		message: ({ field, sentAsText }) =>
			`No file in the "${field}" field of the form.${sentAsText ? ' It was sent as text, not as a file.' : ''}`,
		param: ({ field }) => field
	}),
	empty_file: row<{ field: string }>({
		status: 400,
		traits: ['upload'],
		summary: 'The uploaded file is empty (0 bytes).',
		message: () =>
			'The uploaded file is empty (0 bytes): there is nothing to transcribe. Check that the file itself was sent, not only its name.',
		param: ({ field }) => field
	}),
	file_too_large: row<{ maxBytes: number }>({
		status: 413,
		traits: ['upload'],
		summary: 'The upload is larger than MAX_UPLOAD_MB.',
		// No "Connection: close": Node would close the socket with the body unread and the client
		// would see a reset; server.ts reads and drops the rest (up to a limit, unread-body.ts).
		message: ({ maxBytes }) => `The upload is larger than this server accepts (${megabytes(maxBytes)}, MAX_UPLOAD_MB).`
	}),
	odd_pcm_length: row({
		status: 400,
		traits: ['work'],
		summary: 'With encode=false the body must be 16-bit PCM: an even number of bytes.',
		message: () => 'With encode=false the body must be 16-bit PCM: an even number of bytes.',
		param: () => 'encode'
	}),
	unsupported_media: row<{ reason: string }>({
		status: 415,
		traits: ['work'],
		summary: 'The upload is not audio or video the server can read, or it is damaged.',
		message: ({ reason }) =>
			`The upload could not be decoded as audio or video: it is not a media format the server reads, or it is damaged (ffmpeg: ${reason}). ` +
			'Send audio or video such as mp3, wav, flac, ogg, m4a, mp4 or webm.',
		param: () => 'file'
	}),
	no_audio_track: row({
		status: 415,
		traits: ['work'],
		summary: 'The upload is media without an audio track (a video without sound, a picture).',
		message: () =>
			'The upload has no audio track: it holds only video, a picture or other streams, no sound to transcribe. Send a file with an audio track.',
		param: () => 'file'
	}),
	no_audio: row({
		status: 415,
		traits: ['work'],
		summary: "The upload's audio track is empty: it decodes to no samples.",
		message: () => "The upload's audio is empty: it decodes to 0 seconds of sound (a header without data?).",
		param: () => 'file'
	}),
	unsupported_language: row<{ model: string; language: string }>({
		status: 400,
		traits: ['work'],
		summary: 'The served model has no token for the language asked for.',
		message: ({ model, language }) =>
			`The model "${model}" does not know the language "${language}": choose another language, or leave it empty to detect it.`,
		param: () => 'language'
	}),
	english_only_model: row<{ model: string }>({
		status: 400,
		traits: ['work'],
		summary: 'The served model is English-only and cannot do what was asked.',
		message: ({ model }) => `The model "${model}" is English-only and cannot detect languages.`
	}),
	url_not_encoded: row({
		status: 400,
		traits: ['any'],
		summary: 'The URL has characters that are not percent-encoded (Node refuses such a request line).',
		message: () =>
			'The URL has characters that are not URL-encoded (such as Chinese text in initial_prompt). Send them percent-encoded as UTF-8: ' +
			'with curl, --url-query "initial_prompt=…" beside -F for the file; in code, encodeURIComponent or URLSearchParams.'
	}),
	malformed_path: row({
		status: 400,
		traits: ['any'],
		summary: 'The URL path has a malformed percent-escape.',
		message: () => 'The URL path has a "%" that is not followed by two hexadecimal digits. Write a literal "%" as %25.'
	}),
	missing_api_key: row({
		status: 401,
		traits: ['any'],
		summary: 'No API key was sent (only when the server sets API_KEYS).',
		message: () => 'This server needs an API key: send "Authorization: Bearer <key>".',
		headers: () => ({ 'WWW-Authenticate': 'Bearer' })
	}),
	invalid_api_key: row({
		status: 401,
		traits: ['any'],
		summary: 'The API key is wrong.',
		message: () => 'Incorrect API key provided.',
		headers: () => ({ 'WWW-Authenticate': 'Bearer' })
	}),
	page_token_expired: row({
		status: 401,
		traits: ['any'],
		summary: "The page's token for the API (PAGE_FALLBACK=on) has expired.",
		message: () => "This page's access to the Koe server has expired: reload the page to get a new one.",
		headers: () => ({ 'WWW-Authenticate': 'Bearer' })
	}),
	model_not_found: row<{ model: string; alias: string; served: string }>({
		status: 404,
		traits: ['model'],
		summary: 'Unknown model; use whisper-1 or an id from GET /v1/models.',
		message: ({ model, alias, served }) => `The model "${model}" does not exist on this server. Use "${alias}" or "${served}".`,
		param: () => 'model'
	}),
	task_not_found: row<{ id: string }>({
		status: 404,
		traits: ['task'],
		summary: 'No such task (or it expired).',
		message: ({ id }) => `No task "${id}": it never existed, or it finished long enough ago to be deleted.`,
		param: () => 'task_id'
	}),
	rate_limit_exceeded: row<{ perMinute: number; waitSeconds: number; per: 'address' | 'API key' }>({
		status: 429,
		traits: ['any'],
		summary: 'Too many requests from this address or with this API key; retry after Retry-After seconds.',
		message: ({ perMinute, waitSeconds, per }) =>
			`Too many requests: this server takes ${perMinute} a minute ${per === 'address' ? 'from one address' : 'with one API key'}. Try again in ${waitSeconds} s.`,
		retryAfter: ({ waitSeconds }) => waitSeconds
	}),
	model_unavailable: row<{ model: string; reason: string }>({
		status: 503,
		traits: ['upload'],
		summary: 'The model failed to load; GET /health says why.',
		message: ({ model, reason }) => `The model "${model}" could not be loaded, so this server cannot transcribe: ${reason}`
	}),
	job_interrupted: row<{ attempts: number }>({
		status: 500,
		traits: ['work'],
		summary: 'The worker running the task stopped (it crashed or was killed) more often than JOB_ATTEMPTS allows.',
		message: ({ attempts }) =>
			`The worker running this task stopped before it finished, ${attempts} time${attempts === 1 ? '' : 's'}; the task was given up. Send the file again.`
	}),
	queue_unavailable: row<{ reason: string }>({
		status: 503,
		traits: ['upload', 'task'],
		summary: 'QUEUE=redis: Redis does not answer, so no task can be queued or read.',
		message: ({ reason }) => `The task queue (Redis) does not answer; try again shortly (${reason}).`
	}),
	upload_missing: row({
		status: 500,
		traits: ['work'],
		summary: "The task's upload is not in UPLOAD_DIR where the job runs (QUEUE=redis: the folder is not shared).",
		message: () =>
			"This task's upload is not where the job runs: every API node and worker must mount the same UPLOAD_DIR. The server's operator must fix that."
	}),
	ffmpeg_missing: row({
		status: 500,
		traits: ['work'],
		summary: 'The server has no ffmpeg to decode uploads with.',
		message: () => 'ffmpeg was not found on the server, so it cannot decode uploads. Its operator must install it.'
	}),
	sync_timeout: row<{ seconds: number; taskId: string }>({
		status: 504,
		traits: ['work'],
		summary: 'The synchronous time limit (SYNC_TIMEOUT_S) passed; the message names a task to poll instead.',
		message: ({ seconds, taskId }) =>
			`This took longer than ${seconds} s (SYNC_TIMEOUT_S), so the answer could not wait. ` +
			`The work goes on as task ${taskId}: poll GET /tasks/${taskId}, and send long files to POST /asr/async.`
	}),
	queue_full: row<{ limit: number; waitSeconds: number }>({
		status: 503,
		traits: ['upload'],
		summary: 'QUEUE_LIMIT tasks are already waiting; retry after Retry-After seconds.',
		message: ({ limit, waitSeconds }) =>
			`This server is busy: ${limit} tasks are already waiting (QUEUE_LIMIT). Try again in ${waitSeconds} s.`,
		retryAfter: ({ waitSeconds }) => waitSeconds
	}),
	too_many_uploads: row<{ limit: number }>({
		status: 429,
		traits: ['upload'],
		summary: 'This client already has MAX_UPLOADS_PER_CLIENT requests with an upload in progress.',
		message: ({ limit }) =>
			`This client already has ${limit} uploads in progress (MAX_UPLOADS_PER_CLIENT): wait for one to be answered, or send long files to POST /asr/async.`,
		retryAfter: () => 5
	}),
	client_closed: row({
		// 499 as nginx logs it: nobody receives this answer, but the task keeps it (GET /tasks).
		status: 499,
		traits: ['work'],
		summary: 'The caller of a synchronous request hung up before the answer, and its task was cancelled.',
		message: () => 'The client closed the connection before the answer, so its task was cancelled.'
	}),
	server_error: row<{ reason: string }>({
		status: 500,
		traits: ['any'],
		summary: 'The server failed; its log has the details.',
		message: ({ reason }) => `The server failed: ${reason}`
	})
} as const;

export type ErrorCode = keyof typeof ERRORS;
type DetailsOf<C extends ErrorCode> = Parameters<(typeof ERRORS)[C]['message']>[0];

export class ApiError extends Error {
	constructor(
		readonly code: ErrorCode,
		readonly status: number,
		message: string,
		/** The request field at fault, when there is one (OpenAI's `param`). */
		readonly param: string | null = null,
		/** Extra response headers, e.g. Retry-After. */
		readonly headers: Record<string, string> = {}
	) {
		super(message);
		this.name = 'ApiError';
	}
}

/** The error of a row, with its details filled in. */
export function apiError<C extends ErrorCode>(code: C, ...[details]: DetailsOf<C> extends void ? [] : [DetailsOf<C>]): ApiError {
	const entry = ERRORS[code] as ErrorRow<DetailsOf<C>>;
	const filled = details as DetailsOf<C>;
	const headers = { ...entry.headers?.(filled) };
	if (entry.retryAfter) headers['Retry-After'] = String(entry.retryAfter(filled));
	return new ApiError(code, entry.status, entry.message(filled), entry.param?.(filled) ?? null, headers);
}

export function isErrorCode(value: unknown): value is ErrorCode {
	return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** How a failed task keeps its error (JSON in the task store). */
export interface StoredError {
	code: ErrorCode;
	status: number;
	message: string;
	param: string | null;
}

export function storedError(error: unknown): StoredError {
	const { code, status, message, param } = toApiError(error);
	return { code, status, message, param };
}

/** A stored error as the ApiError it was. */
export function fromStored(stored: StoredError): ApiError {
	return isErrorCode(stored.code)
		? new ApiError(stored.code, stored.status, stored.message, stored.param ?? null)
		: apiError('server_error', { reason: stored.message });
}

/** The request field an engine option is, as the /asr family names it. */
const apiName = (option: string | null) =>
	(option && Object.hasOwn(OPTION_FIELDS, option) ? OPTION_FIELDS[option as OptionName].api.asr : null) ?? option;

/** An engine error is the caller's: each engine code becomes the API's. */
function fromEngine(error: EngineError): ApiError {
	if (error instanceof UnsupportedLanguageError)
		return apiError('unsupported_language', { model: error.modelId, language: error.language });
	if (error instanceof InvalidOptionError) {
		const param = apiName(error.option) ?? 'options';
		return apiError('invalid_parameter', { param, value: String(error.value), expected: error.expected });
	}
	return apiError('english_only_model', { model: error instanceof EnglishOnlyModelError ? error.modelId : 'served' });
}

/** Any failure as an ApiError; an unexpected one is logged and becomes server_error. */
export function toApiError(error: unknown): ApiError {
	if (error instanceof ApiError) return error;
	if (error instanceof EngineError) return fromEngine(error);
	console.error(error);
	return apiError('server_error', { reason: error instanceof Error ? error.message : String(error) });
}
