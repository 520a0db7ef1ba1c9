/**
 * @file Subtitle layout through the API on a real server with tiny.en: srt, vtt and lrc laid out
 * from word timings under the default and the caller's limits, the same file from /asr, from a
 * task and from /v1, karaoke highlighting, one cue per segment when asked, and a 400 naming the
 * parameter for every bad value.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { evalAudioPath } from '../support/eval-audio';
import { ffmpeg } from '../support/media';
import { finishedTask, formWith, startServer, type TestServer } from '../support/server';

let server: TestServer;
let sonnet: Uint8Array;

test.beforeAll(async () => {
	server = await startServer();
	sonnet = readFileSync(await evalAudioPath('en_librivox_sonnet001.mp3'));
});
test.afterAll(async () => server?.stop());

const upload = () => formWith('audio_file', { name: 'sonnet.mp3', bytes: sonnet });
const asr = async (query: string, path = '/asr') => {
	const response = await fetch(`${server.url}${path}?${query}`, { method: 'POST', body: upload() });
	return { status: response.status, body: await response.text() };
};

/** The cues of an srt or vtt file: times and text lines. */
function parseCues(file: string): Array<{ start: number; end: number; lines: string[] }> {
	const seconds = (stamp: string) =>
		stamp
			.split(/[:,.]/)
			.reduce((total, part, i, all) => (i === all.length - 1 ? total + Number(part) / 1000 : total * 60 + Number(part)), 0);
	return file
		.replace(/^WEBVTT\n\n/, '')
		.trim()
		.split(/\n\n+/)
		.map((block) => {
			const lines = block.split('\n').filter((line) => !/^\d+$/.test(line));
			const [start, end] = lines[0]!.split(' --> ').map(seconds);
			return { start: start!, end: end!, lines: lines.slice(1) };
		});
}

/** ffmpeg reads the file as subtitles (players use the same rules). */
function ffmpegReads(body: string, format: 'srt' | 'vtt', path: string): void {
	writeFileSync(path, body);
	ffmpeg('-i', path, '-f', format === 'srt' ? 'srt' : 'webvtt', `${path}.again`);
}

test('srt and vtt are laid out from words: 42 characters, 2 lines, 7 s, in order, with gaps; ffmpeg reads them', async ({}, testInfo) => {
	for (const format of ['srt', 'vtt'] as const) {
		const { status, body } = await asr(`output=${format}`);
		expect(status, body).toBe(200);
		ffmpegReads(body, format, testInfo.outputPath(`sonnet.${format}`));
		const cues = parseCues(body);
		expect(cues.length).toBeGreaterThan(8);
		cues.forEach((cue, index) => {
			expect(cue.lines.length).toBeLessThanOrEqual(2);
			for (const line of cue.lines) expect(line.length, line).toBeLessThanOrEqual(42);
			expect(cue.end - cue.start).toBeLessThanOrEqual(7.01);
			const next = cues[index + 1];
			if (next) expect(next.start - cue.end).toBeGreaterThanOrEqual(0.079);
		});
	}
});

test("the caller's limits, karaoke, segments and lrc; a task and /v1 give the same file as /asr", async ({}, testInfo) => {
	const narrow = 'output=srt&max_line_width=24&max_line_count=1&max_words_per_line=4';
	const { body: srt } = await asr(narrow);
	for (const cue of parseCues(srt)) {
		expect(cue.lines).toHaveLength(1);
		expect(cue.lines[0]!.length, cue.lines[0]).toBeLessThanOrEqual(24);
		expect(cue.lines[0]!.split(' ').length).toBeLessThanOrEqual(4);
	}
	ffmpegReads(srt, 'srt', testInfo.outputPath('narrow.srt'));

	const submitted = await (await fetch(`${server.url}/asr/async?${narrow}`, { method: 'POST', body: upload() })).json();
	expect((await finishedTask(server.url, submitted.task_id)).result).toBe(srt);

	const form = formWith(
		'file',
		{ name: 'sonnet.mp3', bytes: sonnet },
		{ model: 'whisper-1', response_format: 'srt', max_line_width: '24', max_line_count: '1', max_words_per_line: '4' }
	);
	const openai = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
	expect(await openai.text()).toBe(srt);

	const { body: karaoke } = await asr('output=vtt&highlight_words=true');
	expect(karaoke).toMatch(/<u>\S+<\/u>/);
	ffmpegReads(karaoke, 'vtt', testInfo.outputPath('karaoke.vtt'));

	const { body: segments } = await asr('output=srt&subtitle_cues=segments');
	expect(parseCues(segments).some((cue) => cue.lines[0]!.length > 42)).toBe(true);

	const { status, body: lrc } = await asr('output=lrc');
	expect(status).toBe(200);
	const lines = lrc.trim().split('\n');
	expect(lines[0]).toBe('[by:Koe]');
	for (const line of lines.slice(1)) expect(line).toMatch(/^\[\d{2}:\d{2}\.\d{2}\]/);
	expect(lrc).toMatch(/^\[00:0\d\.\d\d\]From fairest creatures/m);
});

test("a bad layout value is a 400 naming the parameter, in each family's shape", async () => {
	for (const [name, value] of [
		['max_line_width', '2'],
		['max_line_count', '0'],
		['max_words_per_line', 'many'],
		['max_cue_duration', '100'],
		['min_cue_gap', '-1'],
		['highlight_words', 'perhaps'],
		['subtitle_cues', 'sentences']
	]) {
		const refused = await asr(`output=srt&${name}=${value}`);
		expect(refused.status, refused.body).toBe(400);
		expect(JSON.parse(refused.body).message).toContain(`"${name}"`);
		const form = formWith('file', { name: 'sonnet.mp3', bytes: sonnet }, { model: 'whisper-1', response_format: 'srt', [name!]: value! });
		const openai = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
		expect(openai.status).toBe(400);
		expect((await openai.json()).error).toMatchObject({ param: name, code: 'invalid_parameter' });
	}
});
