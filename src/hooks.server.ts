/**
 * @file Server hooks: the API service starts with the server (the model loads at once, unfinished
 * tasks resume), and every API request passes the access checks first (access.ts): a Bearer key
 * when API_KEYS is set, the per-address and per-key rate limits, and CORS. The page and its
 * assets pass untouched.
 */
import type { Handle, ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { errorResponse, familyOf } from '$lib/server/api/family';
import { drain } from '$lib/server/api/handler';
import { consume, corsHeaders } from '$lib/server/access';
import { bodyHeldBack, letBodyCome } from '$lib/server/expect-continue';
import { apiError } from '$lib/server/errors';
import { service } from '$lib/server/service';
import { decodedPath } from '$lib/server/url-path';

export const init: ServerInit = () => {
	if (!building) service();
};

export const handle: Handle = async ({ event, resolve }) => {
	const family = familyOf(event.url.pathname);
	const req = event.platform?.req;
	if (!family) {
		letBodyCome(req);
		return resolve(event);
	}
	const { config, keys, limiter, keyLimiter } = service();
	const cors = corsHeaders(event.request.headers.get('origin'), config.corsOrigins);
	// A browser's preflight carries no key: it asks which requests it may send.
	if (event.request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
	let response: Response;
	try {
		// SvelteKit would answer a path it cannot decode with its HTML error page.
		if (decodedPath(event.url.pathname) === null) throw apiError('malformed_path');
		const key = keys.check(event.request.headers.get('authorization'));
		// Following a task is cheap and must not use up the requests that start work.
		const polling = event.request.method === 'GET' && event.url.pathname.startsWith('/tasks/');
		if (!polling) {
			await consume(limiter, event.getClientAddress(), config.rateLimitPerMinute, 'address');
			if (key) await consume(keyLimiter, key, config.keyRateLimitPerMinute, 'API key');
		}
		letBodyCome(req);
		response = await resolve(event);
	} catch (error) {
		// Refused before its upload (the client waits for "100 Continue"): it never sends it, so the
		// connection ends with this answer. Otherwise the upload is read through, so that the
		// client gets to see the answer.
		const heldBack = bodyHeldBack(req);
		if (!heldBack) await drain(event.request, error);
		response = errorResponse(family, error);
		if (heldBack) response.headers.set('connection', 'close');
	}
	for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
	return response;
};
