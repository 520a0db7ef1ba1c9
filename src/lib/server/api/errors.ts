/**
 * @file The API's one error type. Every failure a client can cause or meet becomes an ApiError
 * with an HTTP status and a message a person understands; each route family words it in its
 * own shape (see responses.ts): `{"status":"error","code","message"}` on /asr,
 * `{"error":{"message","type","param","code"}}` on /v1.
 */

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		/** The request field at fault, when there is one (OpenAI's `param`). */
		readonly param: string | null = null,
		/** A machine-readable reason (OpenAI's `code`), e.g. "invalid_api_key". */
		readonly code: string | null = null,
		/** Extra response headers, e.g. Retry-After. */
		readonly headers: Record<string, string> = {}
	) {
		super(message);
		this.name = 'ApiError';
	}
}

/** 400 naming the parameter and what it accepts. */
export function badParameter(param: string, value: string, allowed: readonly string[] | string): ApiError {
	const accepted = typeof allowed === 'string' ? allowed : `one of: ${allowed.join(', ')}`;
	return new ApiError(400, `Invalid value "${value}" for parameter "${param}": expected ${accepted}.`, param);
}
