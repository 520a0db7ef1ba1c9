/**
 * @file Server hooks: the API service starts with the server (the model loads at once, unfinished
 * tasks resume), and every API request passes the access checks first: a Bearer key when
 * API_KEYS is set, and the per-address rate limit. The page and its assets pass untouched.
 */
import type { Handle, ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { drain } from '$lib/server/api/calls';
import { ApiError } from '$lib/server/api/errors';
import { asrError, openAiError } from '$lib/server/api/responses';
import { service } from '$lib/server/service';

export const init: ServerInit = () => {
	if (!building) service();
};

/** Which error shape a path's clients read; null for the page, assets, /health and the docs. */
function familyOf(pathname: string): 'asr' | 'openai' | null {
	if (pathname.startsWith('/v1/')) return 'openai';
	if (pathname === '/asr' || pathname.startsWith('/asr/') || pathname === '/detect-language' || pathname.startsWith('/tasks/')) return 'asr';
	return null;
}

function checkKey(request: Request, keys: readonly string[]): void {
	if (keys.length === 0) return;
	const match = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '');
	if (!match) throw new ApiError(401, 'This server needs an API key: send "Authorization: Bearer <key>".', null, 'missing_api_key', { 'WWW-Authenticate': 'Bearer' });
	if (!keys.includes(match[1]!.trim())) throw new ApiError(401, 'Incorrect API key provided.', null, 'invalid_api_key', { 'WWW-Authenticate': 'Bearer' });
}

async function checkRate(address: string): Promise<void> {
	const { limiter, config } = service();
	if (!limiter) return;
	try {
		await limiter.consume(address);
	} catch (refusal) {
		const wait = Math.max(1, Math.ceil(((refusal as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000));
		throw new ApiError(429, `Too many requests: this server takes ${config.rateLimitPerMinute} a minute from one address. Try again in ${wait} s.`, null, 'rate_limit_exceeded', { 'Retry-After': String(wait) });
	}
}

export const handle: Handle = async ({ event, resolve }) => {
	const family = familyOf(event.url.pathname);
	if (!family) return resolve(event);
	try {
		checkKey(event.request, service().config.apiKeys);
		// Following a task is cheap and must not use up the requests that start work.
		const polling = event.request.method === 'GET' && event.url.pathname.startsWith('/tasks/');
		if (!polling) await checkRate(event.getClientAddress());
	} catch (error) {
		await drain(event.request, error);
		return family === 'asr' ? asrError(error) : openAiError(error);
	}
	return resolve(event);
};
