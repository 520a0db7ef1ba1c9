/**
 * @file Audio to a Transcript with our own decoding loop (decoding/, the long-form seek loop in
 * longform.ts) over a loaded model. The options come from the table in core/options.ts: this is
 * where they are resolved against its defaults and checked, once, for every caller.
 */
import {
	ENGINE_DEFAULTS,
	OPTION_FIELDS,
	optionProblem,
	resolveOptions,
	type OptionName,
	type ResolvedOptions,
	type TranscribeOptions
} from '../core/options';
import { SAMPLE_RATE } from '../core/audio';
import type { Segment, Transcript } from '../core/transcript';
import { toAudioSource, type AudioSource } from './audio-source';
import { decodingContext } from './decoding/context';
import { WINDOW_THRESHOLDS } from './decoding/window';
import { InvalidOptionError, UnsupportedLanguageError } from './errors';
import type { LoadedModel } from './load';
import { transcribeLongform, type LongformProgress } from './longform';
import { findSpeech, speechOnly, type SpeechTimeline } from './vad';

/** What a running transcription reports after each window. */
export type TranscribeProgress = LongformProgress;

/** The temperatures to try, from the option's two forms (see TranscribeOptions.temperature). */
export function temperatureLadder(option: TranscribeOptions['temperature'] = ENGINE_DEFAULTS.temperature): number[] {
	if (typeof option !== 'number') {
		if (option.length === 0 || option.some((t) => !(t >= 0))) throw new RangeError('temperature must be a non-empty list of numbers >= 0.');
		return [...option];
	}
	if (!(option >= 0)) throw new RangeError('temperature must be a number >= 0.');
	const ladder: number[] = [];
	for (let t = option; t <= 1 + 1e-6; t += 0.2) ladder.push(Math.round(t * 100) / 100);
	return ladder.length > 0 ? ladder : [option];
}

/** The options with their defaults, checked against the table; throws InvalidOptionError. */
function checkedOptions(options: TranscribeOptions): ResolvedOptions {
	const resolved = resolveOptions(options);
	for (const name of Object.keys(OPTION_FIELDS) as OptionName[]) {
		const value = resolved[name];
		// A list of temperatures is the engine's own form; temperatureLadder checks it.
		if (name === 'temperature' && typeof value !== 'number') continue;
		const expected = optionProblem(name, value);
		if (expected) throw new InvalidOptionError(name, value, expected);
	}
	return resolved;
}

export async function transcribe(
	loaded: LoadedModel,
	audio: Float32Array | AudioSource,
	options: TranscribeOptions = {},
	onProgress?: (progress: TranscribeProgress) => void,
	signal?: AbortSignal
): Promise<Transcript> {
	const resolved = checkedOptions(options);
	const context = decodingContext(loaded);
	const multilingual = context.specials.multilingual;
	// English-only models ignore the language, as faster-whisper does.
	const language = multilingual ? resolved.language : null;
	if (language !== null && !context.specials.languages.has(language)) throw new UnsupportedLanguageError(loaded.model.id, language);
	const recording = toAudioSource(audio);
	const duration = recording.length / SAMPLE_RATE;
	// vadFilter: only speech is decoded; times come back on the recording's timeline.
	const speech = resolved.vadFilter ? await findSpeech(recording, signal) : null;
	const restore = speech ? (segment: Segment) => onRecording(segment, speech) : (segment: Segment) => segment;
	if (speech && speech.length === 0) {
		onProgress?.({ secondsDone: duration, secondsTotal: duration, segments: [], language });
		return { text: '', language: multilingual ? language : 'en', segments: [], duration };
	}
	const result = await transcribeLongform(
		context,
		speech ? speechOnly(recording, speech) : recording,
		{
			language,
			task: resolved.task,
			initialPrompt: resolved.initialPrompt,
			conditionOnPreviousText: resolved.conditionOnPreviousText,
			promptResetOnTemperature: 0.5,
			wordTimestamps: resolved.wordTimestamps,
			window: { ...WINDOW_THRESHOLDS, beamSize: resolved.beamSize, temperatures: temperatureLadder(resolved.temperature) }
		},
		onProgress && ((progress) => onProgress({ ...progress, segments: progress.segments.map(restore) })),
		signal
	);
	const segments = result.segments.map(restore);
	return {
		text: segments.map((s) => s.text).join(''),
		language: multilingual ? result.language : 'en',
		...(multilingual && result.detection ? { languageProbability: result.detection.probability } : {}),
		segments,
		duration: speech ? duration : result.duration
	};
}

/**
 * A segment decoded from the joined speech, with its times on the recording: its words each
 * moved with the region it is in, and then its ends from its first and last word where it has them.
 */
function onRecording(segment: Segment, speech: SpeechTimeline): Segment {
	const restored: Segment = { ...segment, ...speech.toRecording(segment.start, segment.end) };
	if (segment.seek !== undefined) restored.seek = speech.toRecording(segment.seek, segment.seek).start;
	if (segment.words?.length) {
		restored.words = segment.words.map((word) => ({ ...word, ...speech.toRecording(word.start, word.end) }));
		restored.start = restored.words[0]!.start;
		restored.end = Math.max(restored.start, restored.words.at(-1)!.end);
	}
	return restored;
}
