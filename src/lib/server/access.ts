/**
 * @file Who may call the API, and from where: the Bearer key check (constant time, keys never
 * kept or logged in clear), the per-address and per-key rate limits, and CORS (closed unless
 * CORS_ORIGINS names the origins whose pages may call the API; the server's own page needs none).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { apiError } from './errors';

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/** How long the token in a served page lets it use the API (PAGE_FALLBACK=on). */
export const PAGE_TOKEN_SECONDS = 12 * 3600;
const PAGE_TOKEN_PREFIX = 'koe-page.';

/**
 * The keys of API_KEYS, kept as SHA-256 digests, and the page's tokens. A page token is
 * `koe-page.<expiry>.<HMAC of the expiry>`, keyed by a digest of API_KEYS, so every API node with
 * the same keys accepts the tokens of the others, and changing the keys revokes them all.
 */
export class KeyRing {
	readonly #digests: Buffer[];
	readonly #tokenSecret: Buffer | null;

	constructor(keys: readonly string[], { pageTokens = false } = {}) {
		this.#digests = keys.map(digest);
		this.#tokenSecret = pageTokens && keys.length > 0 ? digest(`koe-page-token\n${keys.join('\n')}`) : null;
	}

	get open(): boolean {
		return this.#digests.length === 0;
	}

	/** A token for the page to call the API with, when PAGE_FALLBACK allows; null when the API is open or closed to it. */
	pageToken(now = Date.now()): string | null {
		if (!this.#tokenSecret) return null;
		const expiry = String(Math.floor(now / 1000) + PAGE_TOKEN_SECONDS);
		return `${PAGE_TOKEN_PREFIX}${expiry}.${this.#sign(expiry)}`;
	}

	#sign(expiry: string): string {
		return createHmac('sha256', this.#tokenSecret!).update(expiry).digest('base64url');
	}

	/** Whether `token` is a page token of these keys, and if so whether it is still good. */
	#pageTokenState(token: string, now: number): 'valid' | 'expired' | null {
		if (!this.#tokenSecret || !token.startsWith(PAGE_TOKEN_PREFIX)) return null;
		const [expiry = '', signature = ''] = token.slice(PAGE_TOKEN_PREFIX.length).split('.');
		const expected = Buffer.from(this.#sign(expiry));
		const sent = Buffer.from(signature);
		if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return null;
		return Number(expiry) * 1000 > now ? 'valid' : 'expired';
	}

	/**
	 * Checks an Authorization header; returns an id for the key (a digest prefix, for rate limits
	 * and logs), or null when the server takes no keys. Equal-length digests compared with
	 * timingSafeEqual, every key each time: the time taken says nothing of how close a guess was.
	 */
	check(authorization: string | null, now = Date.now()): string | null {
		if (this.open) return null;
		const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
		if (!match) throw apiError('missing_api_key');
		// The page's users share its token: the per-address limit is theirs, not a key's.
		const page = this.#pageTokenState(match[1]!.trim(), now);
		if (page === 'valid') return null;
		if (page === 'expired') throw apiError('page_token_expired');
		const sent = digest(match[1]!.trim());
		let found = false;
		for (const known of this.#digests) found = timingSafeEqual(sent, known) || found;
		if (!found) throw apiError('invalid_api_key');
		return sent.toString('hex').slice(0, 16);
	}
}

/** Takes one request from a limiter's budget for `key`, or refuses with 429 and Retry-After. */
export async function consume(
	limiter: RateLimiterAbstract | null,
	key: string,
	perMinute: number,
	per: 'address' | 'API key'
): Promise<void> {
	if (!limiter) return;
	try {
		await limiter.consume(key);
	} catch (refusal) {
		// The limiter's store (Redis, with QUEUE=redis) is away: serve rather than refuse everyone.
		if (refusal instanceof Error) return;
		const waitSeconds = Math.max(1, Math.ceil(((refusal as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000));
		throw apiError('rate_limit_exceeded', { perMinute, waitSeconds, per });
	}
}

/** What the API lets another origin's page read: the answer's file name and when to retry. */
const CORS_HEADERS = {
	'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
	'Access-Control-Allow-Headers': 'Authorization, Content-Type',
	'Access-Control-Expose-Headers': 'Content-Disposition, Retry-After',
	'Access-Control-Max-Age': '600'
};

/**
 * The CORS headers for a request from `origin`, or none when that origin may not call the API.
 * The answer differs by Origin, so caches are told (Vary).
 */
export function corsHeaders(origin: string | null, allowed: readonly string[]): Record<string, string> {
	if (!origin || allowed.length === 0) return {};
	if (!allowed.includes('*') && !allowed.includes(origin)) return { Vary: 'Origin' };
	return {
		...CORS_HEADERS,
		'Access-Control-Allow-Origin': allowed.includes('*') ? '*' : origin,
		// A page on another origin reads the answer under COEP only if it may embed it.
		'Cross-Origin-Resource-Policy': 'cross-origin',
		Vary: 'Origin'
	};
}
