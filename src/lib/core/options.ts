/**
 * @file The transcription options, one row each (the engine's, then the subtitle layout's): the
 * engine's name, the name each HTTP request gives it, its JSON Schema (type, range, enum) and its
 * default. The OpenAPI document, the parsing of /asr and /v1 requests, the browser's server
 * client, the page's settings and the engine's defaults all read this table, so a new option is
 * one row here.
 */
import { LANGUAGE_CODES } from './languages';

/** `task` on /asr; the /v1 family has one endpoint per task instead. */
export const TASKS = ['transcribe', 'translate'] as const;
export type Task = (typeof TASKS)[number];

/** What a caller may ask of the engine; every field is optional, `ENGINE_DEFAULTS` fills the rest. */
export interface TranscribeOptions {
	task?: Task;
	/**
	 * A Whisper language code for multilingual models; null or absent: detect it from the first
	 * 30 s. English-only models always transcribe English (as faster-whisper).
	 */
	language?: string | null;
	/** Text that conditions the first window (names, spelling, style). */
	initialPrompt?: string;
	/** Per-word start/end/probability from cross-attention alignment. */
	wordTimestamps?: boolean;
	/** Beams at temperature 0 (1 = greedy; faster-whisper uses 5). */
	beamSize?: number;
	/**
	 * One temperature: fall back from it upwards in steps of 0.2 (openai's CLI; 0 gives Whisper's
	 * ladder 0, 0.2 … 1); a list: exactly those.
	 */
	temperature?: number | readonly number[];
	/** Decode only the stretches Silero VAD finds speech in; times stay the recording's. */
	vadFilter?: boolean;
	/** Feed each window's text to the next as its prompt. */
	conditionOnPreviousText?: boolean;

	// How srt, vtt and lrc lay the transcript out in cues (core/subtitles/layout.ts); the engine
	// reads none of these, but a request carries them with the rest, and a task stores them.
	/** words: cues from word timings under the limits below; segments: one cue per Whisper segment. */
	subtitleCues?: SubtitleCues;
	/** Characters per line (full-width ones in Chinese, Japanese, Korean); null: 42, or 16 for those. */
	maxLineWidth?: number | null;
	maxLineCount?: number;
	maxWordsPerLine?: number | null;
	maxCueSeconds?: number;
	minCueSeconds?: number;
	minGapSeconds?: number;
	/** Reading speed; null: 17 characters a second, or 9 full-width ones. */
	maxCharsPerSecond?: number | null;
	highlightWords?: boolean;
}

export const SUBTITLE_CUES = ['words', 'segments'] as const;
export type SubtitleCues = (typeof SUBTITLE_CUES)[number];

export type OptionName = keyof TranscribeOptions;
export type ResolvedOptions = { [K in OptionName]-?: Exclude<TranscribeOptions[K], undefined> };

/** The requests that carry options: /asr's query string, and the two /v1 forms. */
export type ApiRequest = 'asr' | 'transcriptions' | 'translations';

/**
 * `format` of a string that names a Whisper language: a code, name or alias in any case, which the
 * API turns into the code before checking the enum.
 */
export const LANGUAGE_FORMAT = 'whisper-language';

/** The part of JSON Schema an option needs (the OpenAPI document uses it as it is). */
export interface OptionSchema {
	type: 'string' | 'boolean' | 'integer' | 'number';
	enum?: readonly string[];
	minimum?: number;
	maximum?: number;
	format?: string;
}

export interface OptionField<K extends OptionName = OptionName> {
	engine: K;
	/** Its name in each request that takes it; a request without a name has no such field. */
	api: Partial<Record<ApiRequest, string>>;
	schema: OptionSchema;
	default: ResolvedOptions[K];
	/** The environment variable with which a server's operator changes the default for its requests. */
	serverSetting?: string;
	/** For the OpenAPI document. */
	description: string;
}

/** FastAPI lists the codes sorted (whisper-asr-webservice's schema); sorting here keeps that order. */
const SORTED_LANGUAGE_CODES = Object.freeze([...LANGUAGE_CODES].sort());

const field = <K extends OptionName>(row: OptionField<K>): OptionField<K> => row;
/** The same name in every request (the subtitle layout applies to /asr and both /v1 forms). */
const every = (name: string): OptionField['api'] => ({ asr: name, transcriptions: name, translations: name });

export const OPTION_FIELDS = Object.freeze({
	task: field({
		engine: 'task',
		api: { asr: 'task' },
		schema: { type: 'string', enum: TASKS },
		default: 'transcribe',
		description: 'translate: into English.'
	}),
	language: field({
		engine: 'language',
		api: { asr: 'language', transcriptions: 'language' },
		schema: { type: 'string', enum: SORTED_LANGUAGE_CODES, format: LANGUAGE_FORMAT },
		default: null,
		description: 'A Whisper language code, or a language name or alias in any case (English, castilian). Empty or absent: detect it.'
	}),
	initialPrompt: field({
		engine: 'initialPrompt',
		api: { asr: 'initial_prompt', transcriptions: 'prompt', translations: 'prompt' },
		schema: { type: 'string' },
		default: '',
		description: 'Text that primes the decoder (spellings, names, style); for translations, in English.'
	}),
	vadFilter: field({
		engine: 'vadFilter',
		api: { asr: 'vad_filter', transcriptions: 'vad_filter', translations: 'vad_filter' },
		schema: { type: 'boolean' },
		default: true,
		description:
			"Decode only the speech that Silero VAD finds (faster-whisper's vad_filter): silence, noise and music give no text, and take no decoding time. Times stay those of the recording."
	}),
	wordTimestamps: field({
		engine: 'wordTimestamps',
		// /v1 asks for words with timestamp_granularities[] (see api/params.ts).
		api: { asr: 'word_timestamps' },
		schema: { type: 'boolean' },
		default: false,
		description: 'Time every word (json: `words` per segment; vtt/srt: cues built from words).'
	}),
	beamSize: field({
		engine: 'beamSize',
		api: { asr: 'beam_size', transcriptions: 'beam_size', translations: 'beam_size' },
		schema: { type: 'integer', minimum: 1, maximum: 16 },
		default: 1,
		serverSetting: 'BEAM_SIZE',
		description:
			"Beams at temperature 0 (an extension to both APIs, as whisper.cpp's server has). 1 is greedy, the fastest; 5 is faster-whisper's default, somewhat more accurate and about twice the time. Absent: the server's BEAM_SIZE (1 unless its operator chose otherwise)."
	}),
	temperature: field({
		engine: 'temperature',
		api: { transcriptions: 'temperature', translations: 'temperature' },
		schema: { type: 'number', minimum: 0, maximum: 1 },
		default: 0,
		description: 'Sampling temperature. 0: greedy, raised automatically when a window decodes badly.'
	}),
	conditionOnPreviousText: field({
		engine: 'conditionOnPreviousText',
		api: {},
		schema: { type: 'boolean' },
		default: true,
		description: "Feed each window's text to the next as its prompt."
	}),
	// ---- subtitle layout: srt, vtt and lrc (openai/whisper's names where it has one) ----
	subtitleCues: field({
		engine: 'subtitleCues',
		api: every('subtitle_cues'),
		schema: { type: 'string', enum: SUBTITLE_CUES },
		default: 'words',
		description:
			'srt, vtt, lrc: words lays cues out from word timings (times computed for them) under the limits below; segments gives one cue per Whisper segment, as openai/whisper without layout options.'
	}),
	maxLineWidth: field({
		engine: 'maxLineWidth',
		api: every('max_line_width'),
		schema: { type: 'integer', minimum: 4, maximum: 200 },
		default: null,
		description: 'Characters per subtitle line (full-width characters in Chinese, Japanese and Korean). Absent: 42, or 16 for those.'
	}),
	maxLineCount: field({
		engine: 'maxLineCount',
		api: every('max_line_count'),
		schema: { type: 'integer', minimum: 1, maximum: 10 },
		default: 2,
		description: 'Lines per subtitle cue.'
	}),
	maxWordsPerLine: field({
		engine: 'maxWordsPerLine',
		api: every('max_words_per_line'),
		schema: { type: 'integer', minimum: 1, maximum: 100 },
		default: null,
		description: 'Words per subtitle line at most. Absent: no limit but the width.'
	}),
	maxCueSeconds: field({
		engine: 'maxCueSeconds',
		api: every('max_cue_duration'),
		schema: { type: 'number', minimum: 1, maximum: 60 },
		default: 7,
		description: 'Seconds a subtitle cue may stay on screen.'
	}),
	minCueSeconds: field({
		engine: 'minCueSeconds',
		api: every('min_cue_duration'),
		schema: { type: 'number', minimum: 0, maximum: 10 },
		default: 0.8,
		description: 'Seconds a subtitle cue stays on screen at least, where the next one leaves room.'
	}),
	minGapSeconds: field({
		engine: 'minGapSeconds',
		api: every('min_cue_gap'),
		schema: { type: 'number', minimum: 0, maximum: 5 },
		default: 0.08,
		description: 'Seconds between one subtitle cue and the next, at least (two frames at 25 fps by default).'
	}),
	maxCharsPerSecond: field({
		engine: 'maxCharsPerSecond',
		api: every('max_chars_per_second'),
		schema: { type: 'number', minimum: 1, maximum: 100 },
		default: null,
		description:
			'Reading speed: a cue stays up long enough to be read at it, where the next one leaves room. Absent: 17, or 9 full-width characters.'
	}),
	highlightWords: field({
		engine: 'highlightWords',
		api: every('highlight_words'),
		schema: { type: 'boolean' },
		default: false,
		description: 'srt, vtt: one cue per spoken word with that word underlined (karaoke), as openai/whisper.'
	})
} satisfies { [K in OptionName]: OptionField<K> });

export const OPTION_LIST: readonly OptionField[] = Object.freeze(Object.values(OPTION_FIELDS) as OptionField[]);

/** Every option's default, from the table. */
export const ENGINE_DEFAULTS: Readonly<ResolvedOptions> = Object.freeze(
	Object.fromEntries(OPTION_LIST.map((option) => [option.engine, option.default])) as ResolvedOptions
);

/** The options a request takes, with their names in it, in table order. */
export function apiFields(request: ApiRequest): Array<OptionField & { name: string }> {
	return OPTION_LIST.flatMap((option) => {
		const name = option.api[request];
		return name === undefined ? [] : [{ ...option, name }];
	});
}

/**
 * The default an API document states for a field: none where absence means something of its own
 * (detect the language, no prompt) or where the server's operator sets it.
 */
export function documentedDefault(option: OptionField): ResolvedOptions[OptionName] | undefined {
	if (option.serverSetting || option.default === null || option.default === '') return undefined;
	return option.default;
}

/** Values read from a request, by their names there, as engine options; absent ones are left out. */
export function optionsFromApi(request: ApiRequest, values: Readonly<Record<string, unknown>>): TranscribeOptions {
	const options: Record<string, unknown> = {};
	for (const option of apiFields(request)) {
		const value = values[option.name];
		if (value !== undefined && value !== null) options[option.engine] = value;
	}
	return options as TranscribeOptions;
}

/**
 * Engine options as a request's fields (the browser's server client). Every value given is sent,
 * defaults too, since a server's operator may set other defaults (BEAM_SIZE); absent ones, an
 * empty prompt and the engine-only list of temperatures are not.
 */
export function optionsToApi(request: ApiRequest, options: TranscribeOptions): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const option of apiFields(request)) {
		const value = options[option.engine];
		if (value === undefined || value === null || value === '' || Array.isArray(value)) continue;
		fields[option.name] = String(value);
	}
	return fields;
}

/** Every option resolved: the caller's where given, the table's default otherwise. */
export function resolveOptions(options: TranscribeOptions, defaults: Partial<ResolvedOptions> = {}): ResolvedOptions {
	const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
	return { ...ENGINE_DEFAULTS, ...defaults, ...given } as ResolvedOptions;
}

/** Why a value does not fit its option's schema, in words, or null when it fits. */
export function optionProblem(name: OptionName, value: unknown): string | null {
	const { schema } = OPTION_FIELDS[name];
	if (value === null && OPTION_FIELDS[name].default === null) return null;
	switch (schema.type) {
		case 'boolean':
			return typeof value === 'boolean' ? null : 'true or false';
		case 'string':
			if (typeof value !== 'string') return 'a string';
			return schema.enum && !schema.enum.includes(value) ? `one of: ${schema.enum.join(', ')}` : null;
		case 'integer':
		case 'number': {
			const kind = schema.type === 'integer' ? 'an integer' : 'a number';
			const range = schema.minimum !== undefined && schema.maximum !== undefined ? ` from ${schema.minimum} to ${schema.maximum}` : '';
			const fits = (n: unknown) =>
				typeof n === 'number' &&
				(schema.type === 'number' ? Number.isFinite(n) : Number.isInteger(n)) &&
				(schema.minimum === undefined || n >= schema.minimum) &&
				(schema.maximum === undefined || n <= schema.maximum);
			return fits(value) ? null : `${kind}${range}`;
		}
	}
}
