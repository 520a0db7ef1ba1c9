/**
 * @file The /asr family against a real server on a real port, with the real tiny.en model:
 * every output format on the JFK recording, raw PCM (Bazarr's encode=false), language detection,
 * the async lifecycle across a crash of the server, and each kind of bad request.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import Ajv from 'ajv/dist/2020.js';
import { expect, test } from '@playwright/test';
import schema from '../../src/lib/core/writers/transcript.schema.json' with { type: 'json' };
import { evalAudioPath, recording } from '../support/eval-audio';
import { concatAudio, ffmpeg } from '../support/media';
import { finishedTask, formWith, startServer, type TestServer } from '../support/server';
import { wordErrorRate } from '../support/wer';

const jfk = recording('en_jfk.wav');
let server: TestServer;
let jfkBytes: Uint8Array;

test.beforeAll(async () => {
	server = await startServer();
	jfkBytes = readFileSync(await evalAudioPath(jfk.file));
});
test.afterAll(async () => server?.stop());

async function asr(query: string, form: FormData, path = '/asr'): Promise<Response> {
	return fetch(`${server.url}${path}${query}`, { method: 'POST', body: form });
}

test('POST /asr answers every output format as whisper-asr-webservice does', async ({}, testInfo) => {
	for (const output of ['txt', 'srt', 'vtt', 'tsv', 'json']) {
		const response = await asr(`?output=${output}`, formWith('audio_file', { name: 'en_jfk.wav', bytes: jfkBytes }));
		const body = await response.text();
		expect(response.status, body).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(response.headers.get('content-disposition')).toBe(`inline; filename="en_jfk.wav.${output}"`);
		expect(response.headers.get('asr-engine')).toBe('koe');
		const file = testInfo.outputPath(`jfk.${output}`);
		writeFileSync(file, body);
		if (output === 'txt') expect(wordErrorRate(jfk.reference, body)).toBeLessThanOrEqual(0.1);
		if (output === 'srt' || output === 'vtt')
			ffmpeg('-i', file, '-f', output === 'srt' ? 'srt' : 'webvtt', testInfo.outputPath(`again.${output}`));
		if (output === 'vtt') expect(body).toMatch(/^WEBVTT\n\n00:00\.\d{3} --> /); // hours only from one hour on
		if (output === 'tsv') expect(body.startsWith('start\tend\ttext\n0\t')).toBe(true);
		if (output === 'json') {
			const transcript = JSON.parse(body);
			const validate = new Ajv({ strict: false }).compile(schema);
			expect(validate(transcript), JSON.stringify(validate.errors)).toBe(true);
			expect(transcript.language).toBe('en');
			// Python's json.dumps layout: ", " and ": " separators, floats written as 0.0.
			expect(body).toContain('"start": 0.0, "end": ');
		}
	}
});

test('takes `file` as an alias, word timestamps, and headerless PCM with or without a WAV header', async ({}, testInfo) => {
	const words = await asr('?output=json&word_timestamps=true', formWith('file', { name: 'talk.wav', bytes: jfkBytes }));
	const json = await words.json();
	expect(json.segments[0].words[0]).toMatchObject({ word: expect.any(String), start: expect.any(Number), probability: expect.any(Number) });

	const wav = testInfo.outputPath('pcm.wav');
	ffmpeg('-i', await evalAudioPath(jfk.file), '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav);
	const raw = testInfo.outputPath('pcm.raw');
	ffmpeg('-i', wav, '-f', 's16le', raw);
	for (const file of [raw, wav]) {
		const response = await asr('?encode=false&output=txt', formWith('audio_file', { name: 'audio', bytes: readFileSync(file) }));
		expect(response.status).toBe(200);
		expect(wordErrorRate(jfk.reference, await response.text())).toBeLessThanOrEqual(0.1);
	}
	const odd = await asr('?encode=false', formWith('audio_file', { name: 'audio', bytes: new Uint8Array(101) }));
	expect(odd.status).toBe(400);
});

test('beam_size picks beam search per request, on both families; a bad value is a 400 naming it', async () => {
	const beams = await asr('?beam_size=5&output=json', formWith('audio_file', { name: 'en_jfk.wav', bytes: jfkBytes }));
	expect(beams.status).toBe(200);
	expect(wordErrorRate(jfk.reference, (await beams.json()).text)).toBeLessThanOrEqual(0.1);
	const form = formWith('file', { name: 'en_jfk.wav', bytes: jfkBytes });
	form.set('model', 'whisper-1');
	form.set('beam_size', '5');
	const openai = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
	expect(openai.status).toBe(200);
	expect(wordErrorRate(jfk.reference, (await openai.json()).text)).toBeLessThanOrEqual(0.1);
	const refused = await asr('?beam_size=0', formWith('audio_file', { name: 'en_jfk.wav', bytes: jfkBytes }));
	expect(refused.status).toBe(400);
	expect((await refused.json()).message).toMatch(/"beam_size"/);
});

test('POST /detect-language names the language and its probability', async () => {
	const response = await asr('', formWith('audio_file', { name: 'en_jfk.wav', bytes: jfkBytes }), '/detect-language');
	expect(response.status).toBe(200);
	expect(await response.json()).toEqual({ detected_language: 'english', language_code: 'en', confidence: 1 });
});

test('bad requests get the status and a message that names what is wrong', async () => {
	const jfkForm = () => formWith('audio_file', { name: 'en_jfk.wav', bytes: jfkBytes });
	const cases: Array<[string, FormData | string, number, RegExp]> = [
		['?task=summarize', jfkForm(), 400, /"task".*transcribe, translate/],
		['?language=klingon', jfkForm(), 400, /"language".*\ben\b.*\bzh\b/],
		['?encode=maybe', jfkForm(), 400, /"encode".*true or false/],
		['', formWith('upload', { name: 'a.wav', bytes: jfkBytes }), 400, /No file in the "audio_file" field/],
		[
			'',
			formWith('audio_file', { name: 'notes.txt', bytes: new TextEncoder().encode('meeting notes, not audio\n') }),
			415,
			/could not be decoded/
		],
		['', formWith('audio_file', { name: 'empty.wav', bytes: new Uint8Array() }), 400, /empty/],
		['', JSON.stringify({ audio_file: 'talk.mp3' }), 415, /multipart\/form-data/]
	];
	for (const [query, body, status, message] of cases) {
		const headers = typeof body === 'string' ? { 'content-type': 'application/json' } : undefined;
		const response = await fetch(`${server.url}/asr${query}`, { method: 'POST', body, headers });
		const error = await response.json();
		expect(response.status, `${query} ${JSON.stringify(error)}`).toBe(status);
		expect(error).toEqual({ status: 'error', code: status, message: expect.stringMatching(message) });
	}
	// An unknown output is not an error (whisper-asr-webservice serves txt, named as sent).
	const text = await asr('?output=text', jfkForm());
	expect(text.status).toBe(200);
	expect(text.headers.get('content-disposition')).toBe('inline; filename="en_jfk.wav.text"');
	expect(await text.text()).toMatch(/^And so my fellow Americans/);
	// Nothing was left behind in the upload folder by the refused requests.
	expect(execFileSync('find', [server.dataDir, '-path', '*/uploads/*', '-type', 'f'], { encoding: 'utf8' })).toBe('');
});

test('async tasks run to the end, and survive a crash of the server between submit and completion', async ({}, testInfo) => {
	const submitted = await asr('?output=json', formWith('audio_file', { name: 'en_jfk.wav', bytes: jfkBytes }), '/asr/async');
	expect(submitted.status).toBe(202);
	const { task_id } = await submitted.json();
	const done = await finishedTask(server.url, task_id);
	expect(done).toMatchObject({ task_id, status: 'done', progress: 1, output: 'json' });
	// The recording's length (JFK: 11 s), which the json result does not carry.
	expect(done.duration).toBeCloseTo(11, 0);
	expect(wordErrorRate(jfk.reference, done.result.text)).toBeLessThanOrEqual(0.1);
	expect(done.result.segments[0]).toMatchObject({ id: 0, start: 0, end: expect.any(Number), text: expect.any(String) });
	expect((await fetch(`${server.url}/tasks/nope`)).status).toBe(404);
	// A path SvelteKit cannot decode: the API's error shape, not its HTML error page.
	const malformed = await fetch(`${server.url}/tasks/%ZZ`);
	expect(malformed.status).toBe(400);
	expect(await malformed.json()).toMatchObject({ status: 'error', code: 400, message: expect.stringContaining('%25') });
	const malformedV1 = await fetch(`${server.url}/v1/models/%ZZ`);
	expect(malformedV1.status).toBe(400);
	expect((await malformedV1.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'malformed_path' });

	// A minute of two speakers, two tasks, one at a time: kill the server while the first runs.
	// Distinct recordings, not one looped: Whisper conditioned on its own last words may skip a
	// repeat, and which repeats tiny.en skips differs between CPUs.
	const parts = ['en_librivox_sonnet001.mp3', 'en_librispeech_2412-153948-0000.flac'].map(recording);
	const long = concatAudio(await Promise.all(parts.map((part) => evalAudioPath(part.file))), testInfo.outputPath('long.mp3'), {
		gapSeconds: 2,
		outputArgs: ['-b:a', '64k']
	});
	const longReference = parts.map((part) => part.reference).join(' ');
	const crashing = await startServer({ JOB_CONCURRENCY: '1' });
	const ids: string[] = [];
	for (const name of ['first.mp3', 'second.mp3']) {
		const response = await fetch(`${crashing.url}/asr/async?output=txt`, {
			method: 'POST',
			body: formWith('audio_file', { name, bytes: readFileSync(long) })
		});
		ids.push((await response.json()).task_id);
	}
	await expect.poll(async () => (await (await fetch(`${crashing.url}/tasks/${ids[0]}`)).json()).status).toBe('running');
	expect((await (await fetch(`${crashing.url}/tasks/${ids[1]}`)).json()).status).toBe('queued');
	await crashing.stop('SIGKILL');

	const restarted = await startServer({ DATA_DIR: crashing.dataDir, JOB_CONCURRENCY: '1' });
	try {
		for (const id of ids) {
			const task = await finishedTask(restarted.url, id);
			expect(task.status, JSON.stringify(task)).toBe('done');
			// Here the joined file scores 0.19–0.20 (each dtype; greedy tiny.en drops the sonnet's last
			// line). What this guards is that each task ends with the whole file's text: without the
			// second recording the rate is above 0.4.
			expect(wordErrorRate(longReference, task.result), task.result).toBeLessThanOrEqual(0.35);
		}
	} finally {
		await restarted.stop();
	}
});

/** A request sent byte for byte, as curl sends a URL typed with Chinese in it (fetch would encode it). */
function rawRequest(port: number, requestLine: Buffer, body: Buffer): Promise<string> {
	const head = Buffer.from(
		`\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${body.length}\r\n\r\n`
	);
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([requestLine, head, body])));
		let answer = '';
		socket.on('data', (chunk) => (answer += chunk.toString()));
		socket.on('close', () => resolve(answer));
		socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
	});
}

test("a URL with raw non-ASCII bytes gets a 400 in the family's shape that says to URL-encode; encoded, it is used", async () => {
	const port = Number(new URL(server.url).port);
	const multipart = Buffer.concat([
		Buffer.from('--x\r\nContent-Disposition: form-data; name="audio_file"; filename="jfk.wav"\r\nContent-Type: audio/wav\r\n\r\n'),
		Buffer.from(jfkBytes),
		Buffer.from('\r\n--x--\r\n')
	]);
	const typed = (path: string) => Buffer.concat([Buffer.from(`POST ${path}`), Buffer.from('你好', 'utf8'), Buffer.from(' HTTP/1.1')]);
	const asrAnswer = await rawRequest(port, typed('/asr?initial_prompt='), multipart);
	expect(asrAnswer).toMatch(/^HTTP\/1\.1 400 /);
	const asrBody = JSON.parse(asrAnswer.slice(asrAnswer.indexOf('\r\n\r\n') + 4));
	expect(asrBody).toEqual({ status: 'error', code: 400, message: expect.stringContaining('URL-encoded') });
	const openAiAnswer = await rawRequest(port, typed('/v1/audio/transcriptions?x='), multipart);
	expect(JSON.parse(openAiAnswer.slice(openAiAnswer.indexOf('\r\n\r\n') + 4)).error).toMatchObject({
		code: 'url_not_encoded',
		type: 'invalid_request_error'
	});

	const encoded = await asr(
		`?initial_prompt=${encodeURIComponent('你好。')}&output=txt`,
		formWith('audio_file', { name: 'en_jfk.wav', bytes: jfkBytes })
	);
	expect(encoded.status).toBe(200);
	expect(wordErrorRate(jfk.reference, await encoded.text())).toBeLessThanOrEqual(0.1);
	expect((await fetch(`${server.url}/health`)).status).toBe(200); // and the server answers others
});

test('/health says 503 with the reason when the model cannot load', async () => {
	const broken = await startServer({ MODEL_DIR: '/nonexistent', MODEL_SOURCE: 'local' }, { waitForModel: false });
	try {
		await expect.poll(async () => (await (await fetch(`${broken.url}/health`)).json()).status).toBe('failed');
		const health = await fetch(`${broken.url}/health`);
		expect(health.status).toBe(503);
		const { message } = await health.json();
		expect(message).toBeTruthy();
		// Work sent to it is refused at once with the same reason, and its upload is not kept.
		const refused = await fetch(`${broken.url}/asr`, {
			method: 'POST',
			body: formWith('audio_file', { name: 'jfk.wav', bytes: jfkBytes })
		});
		expect(refused.status).toBe(503);
		expect((await refused.json()).message).toContain(message);
		expect(execFileSync('find', [broken.dataDir, '-path', '*/uploads/*', '-type', 'f'], { encoding: 'utf8' })).toBe('');
	} finally {
		await broken.stop();
	}
});
