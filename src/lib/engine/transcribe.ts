/**
 * @file The Whisper engine over transformers.js: load a model for a device, then turn 16 kHz
 * mono audio into a Transcript with our own decoding loop (src/lib/engine/decoding/, long-form
 * seek loop in longform.ts). Browser worker and server both call these functions.
 */
import { pipeline, type AutomaticSpeechRecognitionPipeline, type ProgressInfo } from '@huggingface/transformers';
import { getLanguage } from '../core/languages';
import type { Segment, Transcript } from '../core/transcript';
import { toAudioSource, type AudioSource } from './audio-source';
import { decodingContext } from './decoding/context';
import { DEFAULT_TEMPERATURES, DEFAULT_WINDOW_OPTIONS } from './decoding/window';
import { transcribeLongform, type LongformProgress } from './longform';
import { executionDevice, selectDtypes, type EngineDevice, type ModelEntry, type WhisperDtypes } from './models';
import { modelPath, type ModelSource } from './source';

export type { AudioSource } from './audio-source';
export { samplesSource } from './audio-source';
export { detectLanguage, EnglishOnlyModelError, type LanguageDetection } from './language';

export interface LoadedModel {
	model: ModelEntry;
	device: EngineDevice;
	pipe: AutomaticSpeechRecognitionPipeline;
}

export interface LoadOptions {
	model: ModelEntry;
	device: EngineDevice;
	source: ModelSource;
	/** Precision per graph; by default the device's choice from the registry. */
	dtypes?: WhisperDtypes;
	/** CPU threads per model call (onnxruntime's own default when absent: the physical cores). */
	threads?: number;
	onProgress?: (info: ProgressInfo) => void;
}

export async function loadModel({ model, device, source, dtypes, threads, onProgress }: LoadOptions): Promise<LoadedModel> {
	const pipe = (await pipeline('automatic-speech-recognition', modelPath(model, source), {
		device: executionDevice(device),
		dtype: dtypes ?? selectDtypes(device),
		...(threads ? { session_options: { intraOpNumThreads: threads } } : {}),
		progress_callback: onProgress
	})) as AutomaticSpeechRecognitionPipeline;
	return { model, device, pipe };
}

export interface TranscribeOptions {
	/**
	 * Language code or Whisper name ("german", "castilian") for multilingual models; detected from
	 * the first 30 s when absent. English-only models always transcribe English (as faster-whisper).
	 */
	language?: string;
	task?: 'transcribe' | 'translate';
	/** Text that conditions the first window (names, spelling, style). */
	initialPrompt?: string;
	/** Per-word start/end/probability from cross-attention alignment. */
	wordTimestamps?: boolean;
	/** Beams at temperature 0 (1 = greedy, the default; faster-whisper uses 5). */
	beamSize?: number;
	/**
	 * One temperature: fall back from it upwards in steps of 0.2 (openai's CLI); a list: exactly
	 * those. Default [0, 0.2, 0.4, 0.6, 0.8, 1].
	 */
	temperature?: number | readonly number[];
	/** Accepted for API compatibility; voice activity detection is not implemented yet. */
	vadFilter?: boolean;
	/** Feed each window's text to the next as its prompt (default true). */
	conditionOnPreviousText?: boolean;
}

export interface TranscribeProgress {
	/** Seconds of audio done, and the audio's length: the UI's progress bar and time left. */
	secondsDone: number;
	secondsTotal: number;
	/** Segments finished since the last report, for the growing transcript. */
	segments: Segment[];
	language: string | null;
}

/** The temperatures to try, from the option's two forms (see TranscribeOptions.temperature). */
export function temperatureLadder(option: TranscribeOptions['temperature']): number[] {
	if (option === undefined) return [...DEFAULT_TEMPERATURES];
	if (typeof option !== 'number') {
		if (option.length === 0 || option.some((t) => !(t >= 0))) throw new RangeError('temperature must be a non-empty list of numbers >= 0.');
		return [...option];
	}
	if (!(option >= 0)) throw new RangeError('temperature must be a number >= 0.');
	const ladder: number[] = [];
	for (let t = option; t <= 1 + 1e-6; t += 0.2) ladder.push(Math.round(t * 100) / 100);
	return ladder.length > 0 ? ladder : [option];
}

export async function transcribe(
	loaded: LoadedModel,
	audio: Float32Array | AudioSource,
	options: TranscribeOptions = {},
	onProgress?: (progress: TranscribeProgress) => void,
	signal?: AbortSignal
): Promise<Transcript> {
	const context = decodingContext(loaded.pipe);
	const multilingual = context.specials.multilingual;
	// An unknown name is an error for every model; English-only models then ignore the language.
	const requested = options.language ? getLanguage(options.language).code : null;
	const language = multilingual ? requested : null;
	if (language !== null && !context.specials.languages.has(language)) {
		throw new RangeError(`The model "${loaded.model.id}" has no "${language}" language token.`);
	}
	const beamSize = options.beamSize ?? 1;
	if (!Number.isInteger(beamSize) || beamSize < 1) throw new RangeError('beamSize must be an integer >= 1.');
	const result = await transcribeLongform(
		context,
		toAudioSource(audio),
		{
			language,
			task: options.task ?? 'transcribe',
			initialPrompt: options.initialPrompt,
			conditionOnPreviousText: options.conditionOnPreviousText ?? true,
			promptResetOnTemperature: 0.5,
			wordTimestamps: options.wordTimestamps ?? false,
			window: { ...DEFAULT_WINDOW_OPTIONS, beamSize, temperatures: temperatureLadder(options.temperature) }
		},
		onProgress,
		signal
	);
	return {
		text: result.segments.map((s) => s.text).join(''),
		language: multilingual ? result.language : 'en',
		...(multilingual && result.detection ? { languageProbability: result.detection.probability } : {}),
		segments: result.segments,
		duration: result.duration
	};
}
