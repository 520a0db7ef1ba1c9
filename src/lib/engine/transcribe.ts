/**
 * @file The Whisper engine over transformers.js: load a model for a device, then turn 16 kHz
 * mono samples into a Transcript. Browser worker and server both call these functions.
 */
import {
	pipeline,
	WhisperTextStreamer,
	type AutomaticSpeechRecognitionOutput,
	type AutomaticSpeechRecognitionPipeline,
	type ProgressInfo,
	type WhisperTokenizer
} from '@huggingface/transformers';
import { SAMPLE_RATE } from '../core/audio';
import { makeTranscript, type Segment, type Transcript } from '../core/transcript';
import { executionDevice, selectDtypes, type EngineDevice, type ModelEntry, type WhisperDtypes } from './models';
import { modelPath, type ModelSource } from './source';

/** Whisper sees 30 s at a time; longer audio is cut into windows that overlap by the stride. */
const WINDOW_S = 30;
const STRIDE_S = 5;

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
	onProgress?: (info: ProgressInfo) => void;
}

export async function loadModel({ model, device, source, dtypes, onProgress }: LoadOptions): Promise<LoadedModel> {
	const pipe = (await pipeline('automatic-speech-recognition', modelPath(model, source), {
		device: executionDevice(device),
		dtype: dtypes ?? selectDtypes(device),
		progress_callback: onProgress
	})) as AutomaticSpeechRecognitionPipeline;
	return { model, device, pipe };
}

export interface TranscribeOptions {
	/** Language code for multilingual models; ignored (must be absent) for `.en` models. */
	language?: string;
	task?: 'transcribe' | 'translate';
}

export interface TranscribeProgress {
	/** Windows of audio decoded so far, and how many there are. */
	windowsDone: number;
	windowsTotal: number;
	/** The text of the window being decoded, as it grows. */
	partialText: string;
}

/** How many windows the pipeline cuts `seconds` of audio into (mirrors its chunking loop). */
export function countWindows(seconds: number): number {
	if (seconds <= WINDOW_S) return 1;
	const jump = WINDOW_S - 2 * STRIDE_S;
	return Math.ceil((seconds - WINDOW_S) / jump) + 1;
}

export async function transcribe(
	loaded: LoadedModel,
	audio: Float32Array,
	options: TranscribeOptions = {},
	onProgress?: (progress: TranscribeProgress) => void
): Promise<Transcript> {
	const duration = audio.length / SAMPLE_RATE;
	const windowsTotal = countWindows(duration);
	let windowsDone = 0;
	let partialText = '';
	const streamer = new WhisperTextStreamer(loaded.pipe.tokenizer as WhisperTokenizer, {
		skip_prompt: true,
		callback_function: (text: string) => {
			partialText += text;
			onProgress?.({ windowsDone, windowsTotal, partialText });
		},
		on_finalize: () => {
			windowsDone += 1;
			partialText = '';
			onProgress?.({ windowsDone, windowsTotal, partialText });
		}
	});
	const multilingual = loaded.model.multilingual;
	const output = await loaded.pipe(audio, {
		return_timestamps: true,
		chunk_length_s: duration > WINDOW_S ? WINDOW_S : 0,
		stride_length_s: STRIDE_S,
		// transformers.js throws if an English-only model is given a language or task.
		...(multilingual ? { task: options.task ?? 'transcribe', ...(options.language ? { language: options.language } : {}) } : {}),
		streamer
	});
	const result: AutomaticSpeechRecognitionOutput | undefined = Array.isArray(output) ? output[0] : output;
	const chunks = result?.chunks ?? [];
	const segments = chunks.map((chunk) => toSegment(chunk, duration));
	return makeTranscript(segments, multilingual ? (options.language ?? null) : 'en', duration);
}

/** A pipeline chunk whose end is null (speech cut off at the end) ends with the audio. */
function toSegment(chunk: { timestamp: [number, number | null]; text: string }, duration: number): Omit<Segment, 'id'> {
	const [start, end] = chunk.timestamp;
	return { start, end: end ?? Math.max(start, duration), text: chunk.text };
}
