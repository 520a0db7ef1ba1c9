import { describe, expect, it } from 'vitest';
import { LANGUAGE_CODES } from '$lib/core/languages';
import { parseAsrQuery, parseDetectQuery, parseOpenAiForm } from '$lib/server/api/params';
import { ApiError } from '$lib/server/errors';

const query = (search: string) => new URLSearchParams(search);

/** The subtitle layout's documented defaults, which every parsed request carries. */
const LAYOUT_DEFAULTS = {
	subtitleCues: 'words',
	maxLineCount: 2,
	maxCueSeconds: 7,
	minCueSeconds: 0.8,
	minGapSeconds: 0.08,
	highlightWords: false
};

/** The ApiError a call throws (fails the test when it throws nothing or something else). */
function failure(call: () => unknown): ApiError {
	try {
		call();
	} catch (error) {
		if (error instanceof ApiError) return error;
		throw error;
	}
	throw new Error('expected an ApiError');
}

describe('parseAsrQuery', () => {
	it("has whisper-asr-webservice's defaults, and leaves beams to the server", () => {
		expect(parseAsrQuery(query(''))).toEqual({
			encode: true,
			options: { task: 'transcribe', vadFilter: true, wordTimestamps: false, ...LAYOUT_DEFAULTS },
			output: 'txt',
			outputExtension: 'txt'
		});
	});

	it('reads every option under its engine name', () => {
		const request = parseAsrQuery(
			query('encode=false&task=translate&language=de&initial_prompt=Hallo&vad_filter=true&word_timestamps=1&beam_size=5&output=srt')
		);
		expect(request).toEqual({
			encode: false,
			options: {
				task: 'translate',
				language: 'de',
				initialPrompt: 'Hallo',
				vadFilter: true,
				wordTimestamps: true,
				beamSize: 5,
				...LAYOUT_DEFAULTS
			},
			output: 'srt',
			outputExtension: 'srt'
		});
	});

	it("accepts pydantic's boolean spellings in any case", () => {
		for (const spelling of ['true', 'TRUE', '1', 'yes', 'On', 't', 'Y'])
			expect(parseAsrQuery(query(`vad_filter=${spelling}`)).options.vadFilter).toBe(true);
		for (const spelling of ['false', 'False', '0', 'no', 'OFF', 'f', 'n'])
			expect(parseAsrQuery(query(`encode=${spelling}`)).encode).toBe(false);
	});

	it('refuses another boolean with a 400 naming the parameter', () => {
		const error = failure(() => parseAsrQuery(query('encode=maybe')));
		expect(error.status).toBe(400);
		expect(error.param).toBe('encode');
		expect(error.code).toBe('invalid_parameter');
		expect(error.message).toBe('Invalid value "maybe" for parameter "encode": expected true or false.');
		expect(failure(() => parseAsrQuery(query('word_timestamps='))).param).toBe('word_timestamps');
	});

	it('refuses a beam size that is not a whole number from 1 to 16', () => {
		for (const beams of ['0', '17', '2.5', 'wide']) {
			const error = failure(() => parseAsrQuery(query(`beam_size=${beams}`)));
			expect(error.status).toBe(400);
			expect(error.param).toBe('beam_size');
		}
	});

	it('lets the last of a repeated key win', () => {
		expect(parseAsrQuery(query('output=srt&output=vtt')).output).toBe('vtt');
		expect(parseAsrQuery(query('encode=false&encode=true')).encode).toBe(true);
	});

	it('takes language codes, names and aliases in any case; empty is auto', () => {
		expect(parseAsrQuery(query('language=EN')).options.language).toBe('en');
		expect(parseAsrQuery(query('language=English')).options.language).toBe('en');
		expect(parseAsrQuery(query('language=castilian')).options.language).toBe('es');
		expect(parseAsrQuery(query('language=mandarin')).options.language).toBe('zh');
		expect(parseAsrQuery(query('language=haitian%20creole')).options.language).toBe('ht');
		expect(parseAsrQuery(query('language=')).options).not.toHaveProperty('language');
	});

	it('refuses an unknown language with a 400 that lists the codes', () => {
		const error = failure(() => parseAsrQuery(query('language=klingon')));
		expect(error.status).toBe(400);
		expect(error.param).toBe('language');
		expect(error.message).toContain('"klingon"');
		expect(error.message).toContain([...LANGUAGE_CODES].sort().join(', '));
	});

	it('refuses an unknown task, listing the allowed ones', () => {
		const error = failure(() => parseAsrQuery(query('task=summarize')));
		expect(error.status).toBe(400);
		expect(error.param).toBe('task');
		expect(error.message).toContain('one of: transcribe, translate');
	});

	it('serves an unknown output as txt but keeps the extension sent', () => {
		expect(parseAsrQuery(query('output=text'))).toMatchObject({ output: 'txt', outputExtension: 'text' });
		expect(parseAsrQuery(query('output='))).toMatchObject({ output: 'txt', outputExtension: '' });
		expect(parseAsrQuery(query('output=json'))).toMatchObject({ output: 'json', outputExtension: 'json' });
	});

	it('treats an empty initial_prompt as none and keeps any other as sent', () => {
		expect(parseAsrQuery(query('initial_prompt=')).options).not.toHaveProperty('initialPrompt');
		expect(parseAsrQuery(query('initial_prompt=%20Names%3A%20Koe')).options.initialPrompt).toBe(' Names: Koe');
	});
});

describe('parseDetectQuery', () => {
	it('reads encode only', () => {
		expect(parseDetectQuery(query(''))).toEqual({ encode: true });
		expect(parseDetectQuery(query('encode=false&output=srt'))).toEqual({ encode: false });
		expect(failure(() => parseDetectQuery(query('encode=2'))).param).toBe('encode');
	});
});

describe('subtitle layout parameters', () => {
	it("reads each under openai/whisper's names, on /asr and /v1", () => {
		const asr = parseAsrQuery(
			query('output=vtt&max_line_width=30&max_line_count=1&max_words_per_line=4&highlight_words=true&max_cue_duration=5.5')
		);
		expect(asr.options).toMatchObject({ maxLineWidth: 30, maxLineCount: 1, maxWordsPerLine: 4, highlightWords: true, maxCueSeconds: 5.5 });
		const v1 = parseOpenAiForm(
			{ model: 'whisper-1', response_format: 'srt', max_chars_per_second: '15', min_cue_gap: '0.1' },
			'transcriptions'
		);
		expect(v1.options).toMatchObject({ maxCharsPerSecond: 15, minGapSeconds: 0.1 });
	});

	it('computes word timings for subtitles laid out from words, and only for those', () => {
		expect(parseAsrQuery(query('output=srt')).options.wordTimestamps).toBe(true);
		expect(parseAsrQuery(query('output=lrc')).options.wordTimestamps).toBe(true);
		expect(parseAsrQuery(query('output=srt&subtitle_cues=segments')).options.wordTimestamps).toBe(false);
		expect(parseAsrQuery(query('output=json')).options.wordTimestamps).toBe(false);
		expect(parseOpenAiForm({ model: 'whisper-1', response_format: 'vtt' }, 'transcriptions').options.wordTimestamps).toBe(true);
		expect(parseOpenAiForm({ model: 'whisper-1', response_format: 'text' }, 'translations').options.wordTimestamps).toBe(false);
	});

	it('refuses a value out of range with a 400 naming the parameter', () => {
		for (const [name, value] of [
			['max_line_width', '0'],
			['max_line_width', 'wide'],
			['max_line_count', '1.5'],
			['max_words_per_line', '-1'],
			['max_cue_duration', '0.5'],
			['min_cue_duration', '-1'],
			['min_cue_gap', '9'],
			['max_chars_per_second', '0'],
			['highlight_words', 'maybe'],
			['subtitle_cues', 'lines']
		]) {
			const error = failure(() => parseAsrQuery(query(`output=srt&${name}=${value}`)));
			expect(error.status, name).toBe(400);
			expect(error.param).toBe(name);
			const form = failure(() => parseOpenAiForm({ model: 'whisper-1', [name!]: value! }, 'translations'));
			expect(form.param).toBe(name);
		}
	});
});

describe('parseOpenAiForm', () => {
	it("has OpenAI's defaults", () => {
		expect(parseOpenAiForm({ model: 'whisper-1' }, 'transcriptions')).toEqual({
			model: 'whisper-1',
			options: { task: 'transcribe', temperature: 0, vadFilter: true, wordTimestamps: false, ...LAYOUT_DEFAULTS },
			responseFormat: 'json',
			granularities: ['segment']
		});
		expect(parseOpenAiForm({ model: 'whisper-1' }, 'translations').options.task).toBe('translate');
	});

	it('reads every field, as openai-node sends them', () => {
		const request = parseOpenAiForm(
			{
				model: 'whisper-1',
				language: 'fr',
				prompt: 'Bonjour',
				response_format: 'verbose_json',
				temperature: '0.4',
				beam_size: '5',
				'timestamp_granularities[]': ['word', 'segment']
			},
			'transcriptions'
		);
		expect(request).toEqual({
			model: 'whisper-1',
			options: {
				task: 'transcribe',
				language: 'fr',
				initialPrompt: 'Bonjour',
				temperature: 0.4,
				beamSize: 5,
				wordTimestamps: true,
				vadFilter: true,
				...LAYOUT_DEFAULTS
			},
			responseFormat: 'verbose_json',
			granularities: ['word', 'segment']
		});
	});

	it('needs a model', () => {
		for (const fields of [{}, { model: '' }] as Record<string, string>[]) {
			const error = failure(() => parseOpenAiForm(fields, 'transcriptions'));
			expect(error.status).toBe(400);
			expect(error.param).toBe('model');
			expect(error.message).toContain('whisper-1');
		}
	});

	it('refuses an unknown response_format (no fallback on /v1)', () => {
		const error = failure(() => parseOpenAiForm({ model: 'whisper-1', response_format: 'tsv' }, 'transcriptions'));
		expect(error.status).toBe(400);
		expect(error.param).toBe('response_format');
		expect(error.message).toContain('json, text, srt, verbose_json, vtt');
	});

	it('refuses a temperature that is not a number from 0 to 1', () => {
		for (const temperature of ['1.5', '-0.1', 'hot', '0x1', 'Infinity']) {
			const error = failure(() => parseOpenAiForm({ model: 'whisper-1', temperature }, 'transcriptions'));
			expect(error.param).toBe('temperature');
			expect(error.message).toContain('a number from 0 to 1');
		}
		expect(parseOpenAiForm({ model: 'whisper-1', temperature: '1' }, 'translations').options.temperature).toBe(1);
	});

	it('checks timestamp granularities, under either field name', () => {
		const verbose = { model: 'whisper-1', response_format: 'verbose_json' };
		expect(parseOpenAiForm({ ...verbose, timestamp_granularities: 'word' }, 'transcriptions').granularities).toEqual(['word']);
		expect(parseOpenAiForm({ ...verbose, 'timestamp_granularities[]': 'word,segment' }, 'transcriptions').granularities).toEqual([
			'word',
			'segment'
		]);
		const error = failure(() => parseOpenAiForm({ ...verbose, 'timestamp_granularities[]': ['segment', 'sentence'] }, 'transcriptions'));
		expect(error.param).toBe('timestamp_granularities[]');
		expect(error.message).toContain('"sentence"');
		expect(error.message).toContain('word, segment');
	});

	it('refuses word timestamps outside verbose_json, as OpenAI does', () => {
		const error = failure(() => parseOpenAiForm({ model: 'whisper-1', 'timestamp_granularities[]': 'word' }, 'transcriptions'));
		expect(error.status).toBe(400);
		expect(error.param).toBe('timestamp_granularities[]');
		expect(error.message).toContain('verbose_json');
	});

	it('normalizes the language and refuses an unknown one with the codes', () => {
		expect(parseOpenAiForm({ model: 'whisper-1', language: 'German' }, 'transcriptions').options.language).toBe('de');
		const error = failure(() => parseOpenAiForm({ model: 'whisper-1', language: 'xx' }, 'transcriptions'));
		expect(error.param).toBe('language');
		expect(error.message).toContain([...LANGUAGE_CODES].sort().join(', '));
	});

	it('ignores language and granularities on translations', () => {
		const options = parseOpenAiForm({ model: 'whisper-1', language: 'klingon', 'timestamp_granularities[]': 'word' }, 'translations');
		expect(options.options).not.toHaveProperty('language');
		expect(options.granularities).toEqual(['segment']);
	});

	it('ignores fields it does not know (stream, include[])', () => {
		expect(parseOpenAiForm({ model: 'whisper-1', stream: 'true', 'include[]': 'logprobs' }, 'transcriptions').model).toBe('whisper-1');
	});
});
