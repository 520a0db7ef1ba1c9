import { describe, expect, it } from 'vitest';
import {
	apiFields,
	documentedDefault,
	ENGINE_DEFAULTS,
	OPTION_FIELDS,
	OPTION_LIST,
	optionProblem,
	optionsFromApi,
	optionsToApi,
	resolveOptions
} from '$lib/core/options';

describe('the option table', () => {
	it('has one row per engine option, keyed by its engine name, with a default that fits its schema', () => {
		for (const [name, option] of Object.entries(OPTION_FIELDS)) {
			expect(option.engine).toBe(name);
			expect(optionProblem(option.engine, option.default), name).toBeNull();
		}
		expect(ENGINE_DEFAULTS).toEqual({
			task: 'transcribe',
			language: null,
			initialPrompt: '',
			vadFilter: true,
			wordTimestamps: false,
			beamSize: 1,
			temperature: 0,
			conditionOnPreviousText: true,
			subtitleCues: 'words',
			maxLineWidth: null,
			maxLineCount: 2,
			maxWordsPerLine: null,
			maxCueSeconds: 7,
			minCueSeconds: 0.8,
			minGapSeconds: 0.08,
			maxCharsPerSecond: null,
			highlightWords: false
		});
	});

	it('gives each request its own names, never one name twice', () => {
		const layout = [
			'subtitle_cues',
			'max_line_width',
			'max_line_count',
			'max_words_per_line',
			'max_cue_duration',
			'min_cue_duration',
			'min_cue_gap',
			'max_chars_per_second',
			'highlight_words'
		];
		expect(apiFields('asr').map((option) => option.name)).toEqual([
			'task',
			'language',
			'initial_prompt',
			'vad_filter',
			'word_timestamps',
			'beam_size',
			...layout
		]);
		expect(apiFields('transcriptions').map((option) => option.name)).toEqual([
			'language',
			'prompt',
			'vad_filter',
			'beam_size',
			'temperature',
			...layout
		]);
		expect(apiFields('translations').map((option) => option.name)).toEqual(['prompt', 'vad_filter', 'beam_size', 'temperature', ...layout]);
		for (const request of ['asr', 'transcriptions', 'translations'] as const) {
			const names = apiFields(request).map((option) => option.name);
			expect(new Set(names).size).toBe(names.length);
		}
	});

	it('documents no default where absence means something or the server decides', () => {
		expect(documentedDefault(OPTION_FIELDS.beamSize)).toBeUndefined();
		expect(documentedDefault(OPTION_FIELDS.language)).toBeUndefined();
		expect(documentedDefault(OPTION_FIELDS.initialPrompt)).toBeUndefined();
		expect(documentedDefault(OPTION_FIELDS.task)).toBe('transcribe');
		expect(OPTION_LIST.filter((option) => option.serverSetting).map((option) => option.serverSetting)).toEqual(['BEAM_SIZE']);
	});
});

describe('options to and from a request', () => {
	it('reads values by their request names and leaves absent ones out', () => {
		expect(optionsFromApi('asr', { task: 'translate', initial_prompt: 'Hi', beam_size: null, encode: false })).toEqual({
			task: 'translate',
			initialPrompt: 'Hi'
		});
		expect(optionsFromApi('transcriptions', { prompt: 'Hi', temperature: 0.2, task: 'translate' })).toEqual({
			initialPrompt: 'Hi',
			temperature: 0.2
		});
	});

	it('writes every given value (defaults too), but no empty prompt and no engine-only list', () => {
		expect(
			optionsToApi('asr', { task: 'transcribe', language: 'de', initialPrompt: '', beamSize: 1, wordTimestamps: false, temperature: [0] })
		).toEqual({
			task: 'transcribe',
			language: 'de',
			beam_size: '1',
			word_timestamps: 'false'
		});
	});

	it('round-trips through a request', () => {
		const options = {
			task: 'translate',
			language: 'fr',
			initialPrompt: 'Bonjour',
			beamSize: 5,
			wordTimestamps: true,
			vadFilter: true
		} as const;
		const sent = optionsToApi('asr', options);
		const read = Object.fromEntries(
			Object.entries(sent).map(([name, value]) => [name, value === 'true' ? true : /^\d+$/.test(value) ? Number(value) : value])
		);
		expect(optionsFromApi('asr', read)).toEqual(options);
	});
});

describe('resolveOptions and optionProblem', () => {
	it("fills what is absent from the defaults, and given defaults before the table's", () => {
		expect(resolveOptions({ beamSize: undefined, language: 'de' }, { beamSize: 5 })).toMatchObject({
			beamSize: 5,
			language: 'de',
			task: 'transcribe'
		});
	});

	it('says what a value should be, from the schema', () => {
		expect(optionProblem('beamSize', 0)).toBe('an integer from 1 to 16');
		expect(optionProblem('beamSize', 2.5)).toBe('an integer from 1 to 16');
		expect(optionProblem('temperature', Number.NaN)).toBe('a number from 0 to 1');
		expect(optionProblem('task', 'summarize')).toBe('one of: transcribe, translate');
		expect(optionProblem('language', 'xx')).toMatch(/^one of: af, am, ar/);
		expect(optionProblem('language', null)).toBeNull();
		expect(optionProblem('wordTimestamps', 'yes')).toBe('true or false');
	});
});
