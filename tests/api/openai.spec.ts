/**
 * @file The /v1 family as OpenAI's own JavaScript SDK (npm `openai`) sees it, against a real
 * server running the multilingual base model: transcription in each response format, word
 * timestamps, translation into English, language detection on every non-English recording,
 * and errors in OpenAI's shape.
 */
import { createReadStream, readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { expect, test } from '@playwright/test';
import { evalAudioPath, readManifest, recording } from '../support/eval-audio';
import { finishedTask, formWith, startServer, type TestServer } from '../support/server';
import { normalizeWords, wordErrorRate } from '../support/wer';

const jfk = recording('en_jfk.wav');
let server: TestServer;
let client: OpenAI;

test.beforeAll(async () => {
	server = await startServer({ MODEL: 'base' });
	client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed-here', maxRetries: 0 });
});
test.afterAll(async () => server?.stop());

test('the official SDK transcribes, in every response format', async () => {
	const file = await evalAudioPath(jfk.file);
	const json = await client.audio.transcriptions.create({ file: createReadStream(file), model: 'whisper-1' });
	expect(wordErrorRate(jfk.reference, json.text)).toBeLessThanOrEqual(0.1);

	const text = await client.audio.transcriptions.create({ file: createReadStream(file), model: 'whisper-1', response_format: 'text' });
	expect(typeof text).toBe('string');
	expect(wordErrorRate(jfk.reference, text as unknown as string)).toBeLessThanOrEqual(0.1);

	const srt = (await client.audio.transcriptions.create({
		file: createReadStream(file),
		model: 'whisper-1',
		response_format: 'srt'
	})) as unknown as string;
	expect(srt).toMatch(/^1\n00:00:00,\d{3} --> /);
	const vtt = (await client.audio.transcriptions.create({
		file: createReadStream(file),
		model: 'whisper-1',
		response_format: 'vtt'
	})) as unknown as string;
	expect(vtt).toMatch(/^WEBVTT\n\n00:00:00\.\d{3} --> /);

	const verbose = await client.audio.transcriptions.create({
		file: createReadStream(file),
		model: 'base',
		response_format: 'verbose_json',
		timestamp_granularities: ['word', 'segment']
	});
	expect(verbose.language).toBe('english');
	expect(verbose.duration).toBeCloseTo(jfk.durationSeconds, 0);
	expect(verbose.segments?.length).toBeGreaterThan(0);
	expect(verbose.words?.map((w) => w.word.toLowerCase().replace(/[^a-z]/g, ''))).toContain('americans');
	const words = verbose.words!;
	for (let i = 1; i < words.length; i++) expect(words[i]!.start).toBeGreaterThanOrEqual(words[i - 1]!.start);
});

test('each non-English recording is heard in its language, and translated into English', async () => {
	for (const item of readManifest().filter((r) => r.language !== 'en')) {
		const bytes = readFileSync(await evalAudioPath(item.file));
		const detected = await fetch(`${server.url}/detect-language`, {
			method: 'POST',
			body: formWith('audio_file', { name: item.file, bytes })
		});
		expect((await detected.json()).language_code, item.file).toBe(item.language);
	}
	const german = await client.audio.translations.create({
		file: createReadStream(await evalAudioPath('de_leopard.wav')),
		model: 'whisper-1'
	});
	const english = new Set(['the', 'and', 'of', 'a', 'is', 'in', 'to', 'it', 'leopard', 'with']);
	const heard = normalizeWords(german.text);
	expect(heard.filter((word) => english.has(word)).length, german.text).toBeGreaterThanOrEqual(2);
});

test('an error found while the work runs is the same from /asr, from its task, and from /v1', async () => {
	const bytes = readFileSync(await evalAudioPath(jfk.file));
	const sync = await fetch(`${server.url}/asr?language=yue`, { method: 'POST', body: formWith('audio_file', { name: 'jfk.wav', bytes }) });
	const syncError = await sync.json();
	expect(sync.status).toBe(400);
	expect(syncError).toEqual({ status: 'error', code: 400, message: expect.stringContaining('"yue"') });

	const submitted = await fetch(`${server.url}/asr/async?language=yue`, {
		method: 'POST',
		body: formWith('audio_file', { name: 'jfk.wav', bytes })
	});
	expect(submitted.status).toBe(202);
	const { task_id } = await submitted.json();
	const task = await finishedTask(server.url, task_id);
	expect(task).toMatchObject({
		status: 'failed',
		error: { code: 400, reason: 'unsupported_language', param: 'language', message: syncError.message }
	});
});

test('mistakes come back as OpenAI errors with the parameter named, and no retry', async () => {
	const file = await evalAudioPath(jfk.file);
	const failure = (promise: Promise<unknown>) =>
		promise.then(
			() => null,
			(error: unknown) => error
		);
	const words = await failure(
		client.audio.transcriptions.create({ file: createReadStream(file), model: 'whisper-1', timestamp_granularities: ['word'] })
	);
	expect(words).toBeInstanceOf(OpenAI.BadRequestError);
	expect(words).toMatchObject({ status: 400, param: expect.stringContaining('timestamp_granularities'), type: 'invalid_request_error' });

	const model = await failure(client.audio.transcriptions.create({ file: createReadStream(file), model: 'gpt-9-transcribe' }));
	expect(model).toBeInstanceOf(OpenAI.NotFoundError);
	expect(model).toMatchObject({ code: 'model_not_found', param: 'model' });

	const format = await fetch(`${server.url}/v1/audio/transcriptions`, {
		method: 'POST',
		body: formWith('file', { name: 'jfk.wav', bytes: readFileSync(file) }, { model: 'whisper-1', response_format: 'docx' })
	});
	expect(format.status).toBe(400);
	expect(format.headers.get('x-should-retry')).toBe('false');
	expect(await format.json()).toEqual({
		error: {
			message: expect.stringContaining('response_format'),
			type: 'invalid_request_error',
			param: 'response_format',
			code: 'invalid_parameter'
		}
	});

	// A language Whisper knows but base has no token for (Cantonese came with large-v3): the
	// caller's mistake, so a 400 naming it, never a 5xx that the SDKs would retry.
	const cantonese = await failure(
		client.audio.transcriptions.create({ file: createReadStream(file), model: 'whisper-1', language: 'yue' })
	);
	expect(cantonese).toBeInstanceOf(OpenAI.BadRequestError);
	expect(cantonese).toMatchObject({ status: 400, param: 'language', code: 'unsupported_language' });

	const models = await client.models.list();
	expect(models.data.map((m) => m.id)).toEqual(['whisper-1', 'base']);
});
