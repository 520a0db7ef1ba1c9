import Ajv from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { makeTranscript } from '$lib/core/transcript';
import { writeTranscript } from '$lib/core/writers';
import { pythonFloatRepr } from '$lib/core/writers/python-json';
import schema from '$lib/core/writers/transcript.schema.json';

// The expected text is Python's json.dumps of the same data (shared/docs/api-compat.md 1.3).
const transcript = makeTranscript(
	[
		{
			start: 0,
			end: 2.5,
			text: ' Café ok.',
			seek: 0,
			tokens: [50364, 7511, 50489],
			temperature: 0,
			avgLogprob: -0.2512,
			compressionRatio: 0.8,
			noSpeechProb: 1e-5,
			words: [
				{ word: ' Café', start: 0, end: 0.62, probability: 0.91 },
				{ word: ' ok.', start: 0.62, end: 2.5, probability: 0.5 }
			]
		},
		{
			start: 3725.0005,
			end: 3726,
			text: ' 日本',
			seek: 2.5,
			tokens: [],
			temperature: 0.2,
			avgLogprob: -1,
			compressionRatio: 1,
			noSpeechProb: 0,
			words: []
		}
	],
	'en',
	3726
);

const expected =
	'{"text": " Caf\\u00e9 ok. \\u65e5\\u672c", "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 2.5, "text": " Caf\\u00e9 ok.", "tokens": [50364, 7511, 50489], "temperature": 0.0, "avg_logprob": -0.2512, "compression_ratio": 0.8, "no_speech_prob": 1e-05, "words": [{"word": " Caf\\u00e9", "start": 0.0, "end": 0.62, "probability": 0.91}, {"word": " ok.", "start": 0.62, "end": 2.5, "probability": 0.5}]}, {"id": 1, "seek": 250, "start": 3725.0005, "end": 3726.0, "text": " \\u65e5\\u672c", "tokens": [], "temperature": 0.2, "avg_logprob": -1.0, "compression_ratio": 1.0, "no_speech_prob": 0.0, "words": []}], "language": "en"}';

describe('json writer', () => {
	it('writes what Python json.dumps writes', () => {
		expect(writeTranscript(transcript, 'json')).toBe(expected);
	});

	it('leaves words out when word timestamps were not asked', () => {
		const plain = makeTranscript([{ start: 0, end: 1, text: ' Hi.' }], null, 1);
		const json = JSON.parse(writeTranscript(plain, 'json'));
		expect(json.segments[0]).not.toHaveProperty('words');
		expect(json.language).toBeNull();
	});

	it('matches the schema kept in the repo', () => {
		const validate = new Ajv().compile(schema);
		expect(validate(JSON.parse(writeTranscript(transcript, 'json'))), JSON.stringify(validate.errors)).toBe(true);
		expect(validate({ text: '', segments: [{ id: 0 }], language: 'en' })).toBe(false);
	});

	it('prints floats as Python repr does', () => {
		expect([1e16, 1.5e-7, 123456789012345.6, 0.0001, -0, 3, 0.1].map(pythonFloatRepr)).toEqual([
			'1e+16',
			'1.5e-07',
			'123456789012345.6',
			'0.0001',
			'-0.0',
			'3.0',
			'0.1'
		]);
	});
});
