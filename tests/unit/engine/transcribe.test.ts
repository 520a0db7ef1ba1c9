/**
 * @file Koe's own Whisper decoding on the real local models (npm run models:prepare), in Node on
 * the CPU: tiny.en where English suffices, base for languages and translation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RATE } from '$lib/core/audio';
import type { Transcript } from '$lib/core/transcript';
import {
	detectLanguage,
	EnglishOnlyModelError,
	InvalidOptionError,
	samplesSource,
	transcribe,
	UnsupportedLanguageError,
	type LoadedModel,
	type TranscribeProgress
} from '$lib/engine';
import { decodeFile } from '$lib/server/media';
import { concatAudio } from '../../support/media';
import { evalAudioPath, recording } from '../../support/eval-audio';
import { decodedRecording as audioOf, haveLocalModels, loadLocal as load, useLocalEngine } from '../../support/local-models';
import { normalizeWords, wordErrorRate } from '../../support/wer';

const MODEL_LOAD_TIMEOUT = 60_000;
const LONG_FILE_TIMEOUT = 120_000;
/** Cancelling must take effect within this long (tiny runs a decoder step in milliseconds). */
const ABORT_LATENCY_MS = 2_000;

const haveModels = haveLocalModels('tiny.en', 'base');

function expectWellFormed(transcript: Transcript): void {
	let previousEnd = 0;
	for (const segment of transcript.segments) {
		expect(segment.start).toBeGreaterThanOrEqual(previousEnd);
		expect(segment.end).toBeGreaterThanOrEqual(segment.start);
		expect(segment.end).toBeLessThanOrEqual(transcript.duration);
		expect(segment.avgLogprob).toBeLessThan(0);
		expect(segment.noSpeechProb).toBeGreaterThanOrEqual(0);
		expect(segment.noSpeechProb).toBeLessThanOrEqual(1);
		expect(segment.compressionRatio).toBeGreaterThan(0);
		expect(segment.tokens!.length).toBeGreaterThan(0);
		previousEnd = segment.end;
	}
}

/** ≥ 2 minutes of English: the eval recordings one after another with short gaps. */
function concatenate(parts: string[], gapSeconds: number): string {
	return concatAudio(parts, path.join(mkdtempSync(path.join(tmpdir(), 'koe-long-')), 'long.wav'), { gapSeconds });
}

const count = (text: string, phrase: string) => normalizeWords(text).join(' ').split(normalizeWords(phrase).join(' ')).length - 1;

describe.skipIf(!haveModels)('own decoding on tiny.en', () => {
	let tiny: LoadedModel;
	let jfk: Float32Array;
	beforeAll(async () => {
		useLocalEngine();
		tiny = await load('tiny.en');
		jfk = await audioOf('en_jfk.wav');
	}, MODEL_LOAD_TIMEOUT);
	afterAll(async () => {
		await tiny?.pipe.dispose();
	});

	it('transcribes JFK word for word, with decoder statistics', async () => {
		const progress: TranscribeProgress[] = [];
		const transcript = await transcribe(tiny, jfk, {}, (p) => progress.push(p));
		expect(wordErrorRate(recording('en_jfk.wav').reference, transcript.text)).toBeLessThanOrEqual(0.1);
		expect(transcript.language).toBe('en');
		expect(transcript.segments.length).toBeGreaterThan(0);
		expectWellFormed(transcript);
		expect(transcript.segments[0]!.temperature).toBe(0);
		expect(progress.at(-1)!.secondsDone).toBeCloseTo(11, 1);
		expect(progress.flatMap((p) => p.segments)).toHaveLength(transcript.segments.length);
	});

	it('gives word timestamps inside their segments, with beam search', async () => {
		const transcript = await transcribe(tiny, samplesSource(jfk), { wordTimestamps: true, beamSize: 5 });
		expect(wordErrorRate(recording('en_jfk.wav').reference, transcript.text)).toBeLessThanOrEqual(0.1);
		expectWellFormed(transcript);
		const words = transcript.segments.flatMap((s) => s.words ?? []);
		expect(normalizeWords(words.map((w) => w.word).join(''))).toEqual(normalizeWords(transcript.text));
		for (const segment of transcript.segments) {
			let previous = segment.start;
			for (const word of segment.words!) {
				expect(word.start).toBeGreaterThanOrEqual(previous);
				expect(word.end).toBeGreaterThanOrEqual(word.start);
				expect(word.end).toBeLessThanOrEqual(segment.end);
				expect(word.probability).toBeGreaterThan(0);
				expect(word.probability).toBeLessThanOrEqual(1);
				previous = word.start;
			}
		}
		// "country" ends the speech near 10.5 s; alignment should land within a second of it.
		expect(words.at(-1)!.end).toBeGreaterThan(9.5);
		expect(words.at(-1)!.end).toBeLessThanOrEqual(11);
	});

	it('uses the initial prompt', async () => {
		const transcript = await transcribe(tiny, jfk, { initialPrompt: 'ASK NOT. WHAT YOUR COUNTRY.' });
		expect(wordErrorRate(recording('en_jfk.wav').reference, transcript.text)).toBeLessThanOrEqual(0.2);
	});

	it('refuses language detection on an English-only model', async () => {
		await expect(detectLanguage(tiny, jfk)).rejects.toBeInstanceOf(EnglishOnlyModelError);
	});

	describe('a file over two minutes', () => {
		let long: Float32Array;
		beforeAll(async () => {
			const files = [
				'en_jfk.wav',
				'en_librispeech_2412-153948-0000.flac',
				'en_librivox_sonnet001.mp3',
				'en_jfk.wav',
				'en_ldc93s1_timit.wav',
				'en_librispeech_2412-153948-0000.flac',
				'en_jfk.wav'
			];
			long = await decodeFile(concatenate(await Promise.all(files.map(evalAudioPath)), 1.5));
			expect(long.length / SAMPLE_RATE).toBeGreaterThanOrEqual(120);
		}, MODEL_LOAD_TIMEOUT);

		it(
			'keeps every sentence exactly once, in order, read window by window',
			async () => {
				const reads: number[] = [];
				const lazy = { length: long.length, getSamples: async (start: number, n: number) => (reads.push(n), long.slice(start, start + n)) };
				// The seek loop's own joins, without VAD (which would cut the 1.5 s pauses shorter).
				const transcript = await transcribe(tiny, lazy, { vadFilter: false });
				expectWellFormed(transcript);
				expect(Math.max(...reads)).toBeLessThanOrEqual(30 * SAMPLE_RATE);
				expect(transcript.segments.at(-1)!.end).toBeGreaterThan(110);
				const text = transcript.text;
				expect(count(text, 'ask not what your country can do for you')).toBe(3);
				expect(count(text, 'I will say nothing of my antecedents')).toBe(2);
				expect(count(text, 'from fairest creatures we desire')).toBe(1);
				expect(count(text, 'the narrative would be tedious to him')).toBe(2);
				expect(count(text, 'wash water all year')).toBe(1);
				expect(count(text, 'self substantial fuel')).toBe(1);
				expect(count(text, 'or else this glutton be')).toBe(1);
			},
			LONG_FILE_TIMEOUT
		);

		it(
			'stops soon after an abort, with an AbortError',
			async () => {
				const controller = new AbortController();
				let abortedAt = 0;
				setTimeout(() => {
					abortedAt = performance.now();
					controller.abort();
				}, 1_500);
				const error = await transcribe(tiny, long, {}, undefined, controller.signal).then(
					() => null,
					(e: unknown) => e
				);
				const latency = performance.now() - abortedAt;
				expect(error).toBeInstanceOf(DOMException);
				expect((error as DOMException).name).toBe('AbortError');
				expect(latency).toBeLessThan(ABORT_LATENCY_MS);
			},
			LONG_FILE_TIMEOUT
		);
	});
});

describe.skipIf(!haveModels)('own decoding on base (multilingual)', () => {
	let base: LoadedModel;
	beforeAll(async () => {
		useLocalEngine();
		base = await load('base');
	}, MODEL_LOAD_TIMEOUT);
	afterAll(async () => {
		await base?.pipe.dispose();
	});

	it.each([
		['de_leopard.wav', 'de', 'german'],
		['fr_leopard.wav', 'fr', 'french'],
		['es_librivox_capitan_veneno.mp3', 'es', 'spanish'],
		['ja_leopard.wav', 'ja', 'japanese'],
		['zh_aishell1_BAC009S0764W0121.wav', 'zh', 'chinese'],
		['en_jfk.wav', 'en', 'english']
	])('detects the language of %s', async (file, code, name) => {
		const detection = await detectLanguage(base, await audioOf(file));
		expect(detection.code).toBe(code);
		expect(detection.name).toBe(name);
		expect(detection.probability).toBeGreaterThan(0.5);
		expect(detection.ranked[0]!.code).toBe(code);
		expect(detection.ranked.reduce((sum, l) => sum + l.probability, 0)).toBeCloseTo(1, 4);
	});

	it('transcribes in the detected language', async () => {
		const transcript = await transcribe(base, await audioOf('de_leopard.wav'));
		expect(transcript.language).toBe('de');
		expect(normalizeWords(transcript.text)).toEqual(expect.arrayContaining(['portal', 'wurde', 'als']));
		expectWellFormed(transcript);
	});

	it.each([
		['de_leopard.wav', 'de'],
		['fr_leopard.wav', 'fr']
	])('translates %s into English', async (file, language) => {
		const transcript = await transcribe(base, await audioOf(file), { task: 'translate', language });
		const words = normalizeWords(transcript.text);
		expect(words.filter((w) => ['the', 'of', 'was', 'as', 'and', 'it', 'he', 'under', 'a'].includes(w)).length).toBeGreaterThanOrEqual(2);
		expect(words).not.toContain('der');
		expect(words).not.toContain('le');
	});

	it('rejects a language Whisper does not know, naming the option', async () => {
		const refusal = transcribe(base, new Float32Array(SAMPLE_RATE), { language: 'klingon' });
		await expect(refusal).rejects.toBeInstanceOf(InvalidOptionError);
		await expect(refusal).rejects.toMatchObject({ code: 'invalid-option', option: 'language' });
	});

	it('rejects a language this model has no token for (Cantonese came with large-v3)', async () => {
		const refusal = transcribe(base, new Float32Array(SAMPLE_RATE), { language: 'yue' });
		await expect(refusal).rejects.toBeInstanceOf(UnsupportedLanguageError);
		await expect(refusal).rejects.toMatchObject({ code: 'unsupported-language', option: 'language', language: 'yue' });
	});

	it('rejects options outside their range before any work', async () => {
		await expect(transcribe(base, new Float32Array(SAMPLE_RATE), { beamSize: 0 })).rejects.toMatchObject({
			option: 'beamSize',
			expected: 'an integer from 1 to 16'
		});
	});
});
