import { describe, expect, it } from 'vitest';
import { InvalidOptionError, UnsupportedLanguageError } from '$lib/engine';
import { errorResponse, familyOf } from '$lib/server/api/family';
import { apiError, ApiError, ERRORS, fromStored, storedError, toApiError } from '$lib/server/errors';

describe('the error table', () => {
	it('builds each error from its row: status, message, param, headers', () => {
		const error = apiError('rate_limit_exceeded', { perMinute: 10, waitSeconds: 7, per: 'address' });
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({ code: 'rate_limit_exceeded', status: 429, param: null, headers: { 'Retry-After': '7' } });
		expect(error.message).toBe('Too many requests: this server takes 10 a minute from one address. Try again in 7 s.');
		expect(apiError('missing_file', { field: 'audio_file', sentAsText: true })).toMatchObject({
			status: 400,
			param: 'audio_file',
			message: 'No file in the "audio_file" field of the form. It was sent as text, not as a file.'
		});
	});

	it('has a 4xx or 5xx status, a summary and at least one trait per code', () => {
		for (const [code, entry] of Object.entries(ERRORS)) {
			expect(entry.status, code).toBeGreaterThanOrEqual(400);
			expect(entry.status, code).toBeLessThan(600);
			expect(entry.summary.length, code).toBeGreaterThan(10);
			expect(entry.traits.length, code).toBeGreaterThan(0);
		}
	});

	it("turns the engine's errors that are the caller's into 400s naming the parameter", () => {
		expect(toApiError(new UnsupportedLanguageError('base', 'yue'))).toMatchObject({
			code: 'unsupported_language',
			status: 400,
			param: 'language'
		});
		expect(toApiError(new InvalidOptionError('beamSize', 0, 'an integer from 1 to 16'))).toMatchObject({
			code: 'invalid_parameter',
			status: 400,
			param: 'beam_size',
			message: 'Invalid value "0" for parameter "beam_size": expected an integer from 1 to 16.'
		});
	});

	it("keeps a failed task's error whole through the store", () => {
		const stored = storedError(new UnsupportedLanguageError('base', 'yue'));
		expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
		expect(fromStored(stored)).toMatchObject({ code: 'unsupported_language', status: 400, param: 'language', message: stored.message });
		expect(fromStored({ code: 'no_such_code', status: 418, message: 'old', param: null } as never)).toMatchObject({
			code: 'server_error',
			status: 500
		});
	});
});

describe('the API families', () => {
	it('are chosen by path alone', () => {
		expect(familyOf('/v1/audio/transcriptions')).toBe('openai');
		expect(familyOf('/asr')).toBe('asr');
		expect(familyOf('/asr/async')).toBe('asr');
		expect(familyOf('/tasks/abc')).toBe('asr');
		expect(familyOf('/detect-language')).toBe('asr');
		for (const path of ['/', '/asrx', '/health', '/docs', '/openapi.json', '/models/whisper-base/config.json'])
			expect(familyOf(path), path).toBeNull();
	});

	it('answer the same error in their own shapes', async () => {
		const error = apiError('unsupported_language', { model: 'base', language: 'yue' });
		const asr = errorResponse('asr', error);
		expect(asr.status).toBe(400);
		expect(await asr.json()).toEqual({ status: 'error', code: 400, message: error.message });
		const openai = errorResponse('openai', error);
		expect(openai.headers.get('x-should-retry')).toBe('false');
		expect(await openai.json()).toEqual({
			error: { message: error.message, type: 'invalid_request_error', param: 'language', code: 'unsupported_language' }
		});
	});
});
