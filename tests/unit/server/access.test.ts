import { describe, expect, it } from 'vitest';
import { corsHeaders, KeyRing } from '$lib/server/access';

describe('API keys', () => {
	const ring = new KeyRing(['alpha-key', 'beta-key']);

	it('takes a listed key, whatever the case of "Bearer", and names it by a digest, never the key', () => {
		const alpha = ring.check('Bearer alpha-key');
		expect(alpha).toMatch(/^[0-9a-f]{16}$/);
		expect(ring.check('bearer  alpha-key ')).toBe(alpha);
		expect(ring.check('Bearer beta-key')).not.toBe(alpha);
		expect(alpha).not.toContain('alpha');
	});

	it('refuses a missing, malformed or wrong key with its code', () => {
		expect(() => ring.check(null)).toThrow(expect.objectContaining({ code: 'missing_api_key', status: 401 }));
		expect(() => ring.check('Basic alpha-key')).toThrow(expect.objectContaining({ code: 'missing_api_key' }));
		expect(() => ring.check('Bearer alpha-ke')).toThrow(expect.objectContaining({ code: 'invalid_api_key' }));
		expect(() => ring.check('Bearer alpha-key-and-more')).toThrow(expect.objectContaining({ code: 'invalid_api_key' }));
	});

	it('gives the page a token of its own only with PAGE_FALLBACK, good until it expires and for these keys only', () => {
		expect(ring.pageToken()).toBeNull();
		const withPage = new KeyRing(['alpha-key'], { pageTokens: true });
		const now = Date.parse('2026-12-01T12:00:00Z');
		const token = withPage.pageToken(now)!;
		expect(token).toMatch(/^koe-page\.\d+\.[\w-]{43}$/);
		expect(withPage.check(`Bearer ${token}`, now)).toBeNull();
		expect(() => withPage.check(`Bearer ${token}`, now + 13 * 3600_000)).toThrow(expect.objectContaining({ code: 'page_token_expired' }));
		expect(() => new KeyRing(['other-key'], { pageTokens: true }).check(`Bearer ${token}`, now)).toThrow(
			expect.objectContaining({ code: 'invalid_api_key' })
		);
		expect(() => ring.check(`Bearer ${token}`, now)).toThrow(expect.objectContaining({ code: 'invalid_api_key' }));
	});

	it('lets everyone in when no keys are set', () => {
		expect(new KeyRing([]).check(null)).toBeNull();
	});
});

describe('CORS', () => {
	it('is closed by default: no Allow-Origin for any origin', () => {
		expect(corsHeaders('https://evil.example', [])).toEqual({});
		expect(corsHeaders(null, ['https://app.example'])).toEqual({});
	});

	it('opens to the listed origins only, or to any with *', () => {
		expect(corsHeaders('https://app.example', ['https://app.example'])).toMatchObject({
			'Access-Control-Allow-Origin': 'https://app.example',
			'Access-Control-Allow-Headers': 'Authorization, Content-Type',
			Vary: 'Origin'
		});
		expect(corsHeaders('https://other.example', ['https://app.example'])).toEqual({ Vary: 'Origin' });
		expect(corsHeaders('https://other.example', ['*'])['Access-Control-Allow-Origin']).toBe('*');
	});
});
