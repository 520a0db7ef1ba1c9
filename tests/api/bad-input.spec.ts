/**
 * @file The bad-input corpus (tests/support/bad-input.ts) through every route that takes a file,
 * on a real tiny.en server: each case gets a correct result or a clear error (the code's status,
 * a message saying what is wrong with the file, in the route family's shape), never a 5xx for the
 * caller's file and never a hang; /health answers while and after; a file name that is a path
 * writes nothing outside the upload folder and comes back as a plain name; silence, noise and
 * music give (almost) no words, and a long file exactly its passages of speech, at their times.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { pythonQuote } from '../../src/lib/server/api/responses';
import { ERRORS } from '../../src/lib/server/errors';
import {
	CORPUS,
	CORPUS_MODEL,
	corpusFile,
	expectedName,
	NEAR_EMPTY_WORDS,
	PASSAGE_TOLERANCE_S,
	ROUTES,
	type Answer,
	type CorpusCase,
	type Passage,
	type Route
} from '../support/bad-input';
import { recording } from '../support/eval-audio';
import { finishedTask, formWith, startServer, type TestServer } from '../support/server';
import { normalizeWords, wordErrorRate } from '../support/wer';

/** /health while a file is handled: one ONNX run (the CPU model runs on the server's main thread) may hold it up this long on two busy cores. */
const HEALTH_BUSY_MS = 5_000;
/** /health once the file is handled. */
const HEALTH_IDLE_MS = 1_000;
/** tiny.en's word error rate on each passage of a long file (the TIMIT sentence is the hardest). */
const PASSAGE_MAX_WER = 0.35;

interface Segment {
	start: number;
	end: number;
	text: string;
}

/** What a route answered, in one shape for every route. */
interface Seen {
	status: number;
	/** The error's code where the family says it (/v1, a task), or null. */
	code: string | null;
	message: string | null;
	text: string | null;
	segments: Segment[] | null;
	language: string | null;
	/** /asr's Content-Disposition. */
	disposition: string | null;
	seconds: number;
}

let server: TestServer;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
	server = await startServer({ MODEL: CORPUS_MODEL });
});
test.afterEach(async ({}, testInfo) => {
	if (testInfo.status !== testInfo.expectedStatus)
		await testInfo.attach('server log', { body: server.output(), contentType: 'text/plain' });
});
test.afterAll(async () => server?.stop());

const form = (entry: CorpusCase, bytes: Uint8Array, field: string, fields: Record<string, string> = {}) =>
	formWith(field, { name: entry.fileName, bytes }, fields);

/** The /asr family's error body, checked for its shape. */
async function asrError(response: Response): Promise<Pick<Seen, 'code' | 'message'>> {
	const body = await response.json();
	expect(body, JSON.stringify(body)).toEqual({ status: 'error', code: response.status, message: expect.any(String) });
	return { code: null, message: body.message };
}

async function send(route: Route, entry: CorpusCase, bytes: Uint8Array, signal: AbortSignal): Promise<Omit<Seen, 'seconds'>> {
	const none = { code: null, message: null, text: null, segments: null, language: null, disposition: null };
	const post = (url: string, body: FormData) => fetch(`${server.url}${url}`, { method: 'POST', body, signal });
	switch (route) {
		case 'asr': {
			const response = await post('/asr?output=json', form(entry, bytes, 'audio_file'));
			if (response.status !== 200) return { ...none, status: response.status, ...(await asrError(response)) };
			const body = await response.json();
			return { ...none, status: 200, text: body.text, segments: body.segments, disposition: response.headers.get('content-disposition') };
		}
		case 'async': {
			const response = await post('/asr/async?output=json', form(entry, bytes, 'audio_file'));
			if (response.status !== 202) return { ...none, status: response.status, ...(await asrError(response)) };
			const { task_id } = await response.json();
			const task = await finishedTask(server.url, task_id, 250, entry.limitSeconds * 1000);
			if (task.status === 'done') return { ...none, status: 200, text: task.result.text, segments: task.result.segments };
			expect(task.error, JSON.stringify(task)).toEqual({
				code: expect.any(Number),
				reason: expect.any(String),
				message: expect.any(String),
				param: 'file'
			});
			return { ...none, status: task.error.code, code: task.error.reason, message: task.error.message };
		}
		case 'openai': {
			const response = await post(
				'/v1/audio/transcriptions',
				form(entry, bytes, 'file', { model: 'whisper-1', response_format: 'verbose_json' })
			);
			const body = await response.json();
			if (response.status !== 200) {
				expect(body, JSON.stringify(body)).toEqual({
					error: { message: expect.any(String), type: 'invalid_request_error', param: expect.any(String), code: expect.any(String) }
				});
				// OpenAI's SDKs would upload the file again on a retry; the answer says not to.
				expect(response.headers.get('x-should-retry')).toBe('false');
				return { ...none, status: response.status, code: body.error.code, message: body.error.message };
			}
			return { ...none, status: 200, text: body.text, segments: body.segments };
		}
		case 'detect': {
			const response = await post('/detect-language', form(entry, bytes, 'audio_file'));
			if (response.status !== 200) return { ...none, status: response.status, ...(await asrError(response)) };
			const body = await response.json();
			expect(body.confidence).toBeGreaterThan(0);
			return { ...none, status: 200, language: body.language_code };
		}
	}
}

/** Polls /health until stopped; the slowest answer and any that was not 200. */
function watchHealth() {
	let running = true;
	let slowestMs = 0;
	const failures: string[] = [];
	const loop = (async () => {
		while (running) {
			const started = performance.now();
			try {
				const response = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(30_000) });
				if (response.status !== 200) failures.push(`${response.status} ${await response.text()}`);
				else await response.arrayBuffer();
			} catch (error) {
				failures.push(`${String(error)} (${String((error as Error).cause)})`);
			}
			slowestMs = Math.max(slowestMs, performance.now() - started);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	})();
	return async () => {
		running = false;
		await loop;
		return { slowestMs, failures };
	};
}

function describeSeen(seen: Seen): string {
	if (seen.status !== 200) return `${seen.status} ${seen.code ?? ''} "${seen.message}"`;
	if (seen.language) return `200 ${seen.language}`;
	const text = (seen.text ?? '').trim();
	return `200 ${text ? `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"` : '(empty)'} ${seen.segments?.length ?? 0} seg`;
}

/** Segments into the passages they belong to; a segment in none is invented text. */
function checkPassages(segments: Segment[], passages: readonly Passage[], label: string): void {
	const timed = passages.map((passage) => {
		const { durationSeconds, reference } = recording(passage.recording);
		return { ...passage, end: passage.at + durationSeconds, reference };
	});
	const inside = (segment: Segment, passage: (typeof timed)[number]) =>
		segment.start >= passage.at - PASSAGE_TOLERANCE_S && segment.end <= passage.end + PASSAGE_TOLERANCE_S;
	const stray = segments.filter((segment) => !timed.some((passage) => inside(segment, passage)));
	expect(stray, `${label}: text outside the speech`).toEqual([]);
	for (const passage of timed) {
		const heard = segments.filter((segment) => inside(segment, passage));
		const where = `${label}: ${passage.recording} at ${passage.at} s`;
		expect(heard.length, where).toBeGreaterThan(0);
		expect(Math.abs(heard[0]!.start - passage.at), `${where}: starts at ${heard[0]!.start}`).toBeLessThanOrEqual(PASSAGE_TOLERANCE_S);
		expect(Math.abs(heard.at(-1)!.end - passage.end), `${where}: ends at ${heard.at(-1)!.end}`).toBeLessThanOrEqual(PASSAGE_TOLERANCE_S);
		const text = heard.map((segment) => segment.text).join(' ');
		expect(wordErrorRate(passage.reference, text), `${where}: "${text}"`).toBeLessThanOrEqual(PASSAGE_MAX_WER);
	}
}

function check(answer: Answer, seen: Seen, route: Route, label: string): void {
	if ('error' in answer) {
		const { status } = ERRORS[answer.error];
		expect(seen.status, label).toBe(status);
		if (seen.code !== null) expect(seen.code, label).toBe(answer.error);
		expect(seen.message, label).toMatch(answer.says);
		return;
	}
	expect(seen.status, label).toBe(200);
	if ('language' in answer) {
		expect(seen.language, label).toBe(answer.language);
		return;
	}
	expect(route, label).not.toBe('detect');
	const text = seen.text ?? '';
	if ('nothing' in answer) expect(normalizeWords(text).length, `${label}: "${text}"`).toBeLessThanOrEqual(NEAR_EMPTY_WORDS);
	if ('text' in answer) expect(text, label).toMatch(answer.text);
	if ('passages' in answer) checkPassages(seen.segments ?? [], answer.passages, label);
}

for (const entry of CORPUS) {
	test(`${entry.name}: ${entry.description}`, async ({}, testInfo) => {
		test.skip(!!entry.optIn && !process.env[entry.optIn], `set ${entry.optIn}=1 to run it`);
		// Making the 3-hour file takes minutes the first time (then it is cached).
		test.setTimeout((entry.limitSeconds * ROUTES.length + 300) * 1000);
		const bytes = readFileSync(await corpusFile(entry));
		const uploads = path.join(server.dataDir, 'uploads');
		const lines: string[] = [];
		for (const route of ROUTES) {
			const label = `${entry.name} via ${route}`;
			const stopWatching = watchHealth();
			const started = performance.now();
			let seen: Seen;
			let healthMs = 0;
			try {
				const answered = await send(route, entry, bytes, AbortSignal.timeout(entry.limitSeconds * 1000));
				seen = { ...answered, seconds: (performance.now() - started) / 1000 };
			} finally {
				const health = await stopWatching();
				healthMs = health.slowestMs;
				expect(health.failures, `${label}: /health`).toEqual([]);
				expect(health.slowestMs, `${label}: /health took ${Math.round(health.slowestMs)} ms`).toBeLessThan(HEALTH_BUSY_MS);
				lines.push(`${route}: /health at most ${Math.round(health.slowestMs)} ms`);
			}
			lines.push(`${route}: ${describeSeen(seen)} in ${seen.seconds.toFixed(1)} s`);
			console.log(
				`[bad-input] ${entry.name} | ${route} | ${describeSeen(seen)} | ${seen.seconds.toFixed(1)} s | /health ≤ ${Math.round(healthMs)} ms`
			);
			expect(seen.status, `${label}: a 5xx for the caller's file`).toBeLessThan(500);
			check(entry.answers[route], seen, route, label);
			if (route === 'asr' && seen.status === 200) {
				expect(seen.disposition, label).toBe(`inline; filename="${pythonQuote(expectedName(entry.fileName))}.json"`);
			}
		}
		await testInfo.attach('answers', { body: lines.join('\n'), contentType: 'text/plain' });

		// After: /health at once, nothing left in the upload folder, nothing written beside it.
		const started = performance.now();
		expect((await fetch(`${server.url}/health`)).status).toBe(200);
		expect(performance.now() - started).toBeLessThan(HEALTH_IDLE_MS);
		expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
		for (const climbed of [path.resolve(uploads, entry.fileName), path.resolve(uploads, entry.fileName.replaceAll('\\', '/'))]) {
			if (climbed.startsWith(`${uploads}${path.sep}`)) continue;
			expect(existsSync(climbed) && statSync(climbed).isFile(), `${climbed} was written`).toBe(false);
		}
	});
}
