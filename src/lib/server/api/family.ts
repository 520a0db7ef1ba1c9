/**
 * @file The two API families and their error shapes, decided in one place from the path: the
 * /asr family (whisper-asr-webservice: `{"status":"error","code","message"}`) and the /v1 family
 * (OpenAI: `{"error":{"message","type","param","code"}}`). The access checks in hooks.server.ts
 * and every route's failures both answer through here.
 */
import { toApiError } from '../errors';

export type Family = 'asr' | 'openai';

/** Path prefixes of each family; anything else (the page, assets, /health, /docs) is neither. */
const FAMILY_PATHS: ReadonlyArray<readonly [prefix: string, family: Family]> = [
	['/v1/', 'openai'],
	['/asr', 'asr'],
	['/detect-language', 'asr'],
	['/tasks/', 'asr']
];

export function familyOf(pathname: string): Family | null {
	for (const [prefix, family] of FAMILY_PATHS) {
		if (pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) return family;
	}
	return null;
}

/** A failure as the family's clients read it. */
export function errorResponse(family: Family, error: unknown): Response {
	const { status, message, param, code, headers } = toApiError(error);
	if (family === 'asr') return Response.json({ status: 'error', code: status, message }, { status, headers });
	const type = status >= 500 ? 'server_error' : 'invalid_request_error';
	// The SDKs retry 5xx, 408, 409 and 429 (uploading the file again); say when that is pointless.
	const retry: Record<string, string> = status >= 500 || status === 429 ? {} : { 'x-should-retry': 'false' };
	return Response.json({ error: { message, type, param, code } }, { status, headers: { ...headers, ...retry } });
}
