/**
 * @file The model this server serves: one, chosen by MODEL / DEVICE / DTYPE, loaded once at
 * startup on onnxruntime-node (CPU, or CUDA where the operator installed it) and shared by every
 * request. /health reports its state; BEAM_SIZE is the default for requests that send no beams.
 */
import { env, type ProgressInfo } from '@huggingface/transformers';
import type { TranscribeOptions } from '../core/options';
import type { Transcript } from '../core/transcript';
import {
	detectLanguage,
	EnglishOnlyModelError,
	getModel,
	loadModel,
	selectDtypes,
	transcribe,
	useModelSource,
	type LanguageDetection,
	type LoadedModel,
	type ModelSource,
	type TranscribeProgress,
	type WhisperDtypes
} from '../engine';
import { useVoiceDetector, voiceDetector } from '../engine/vad';
import type { ServerConfig } from './config';
import { apiError } from './errors';
import { openMediaFile } from './media';
import { nodeOrt } from './onnxruntime';
import { nodeVoiceDetector } from './voice-detector';

/** What /health reports; `message` says what loading is doing (a download's progress) or why it failed. */
export type ModelState = { status: 'loading'; message: string } | { status: 'ready' } | { status: 'failed'; message: string };

/** Samples in memory, or a media file on disk, decoded a few minutes at a time as the engine reads it. */
export type AudioInput = Float32Array | { mediaFile: string };

/** What the task runner needs of the served model: this class, or the thread that runs it (model-thread.ts). */
export interface ModelRunner {
	readonly state: ModelState;
	readonly modelId: string;
	readonly ready: Promise<unknown>;
	transcribe(
		audio: AudioInput,
		options: TranscribeOptions,
		onProgress?: (progress: TranscribeProgress) => void,
		signal?: AbortSignal
	): Promise<Transcript>;
	detectLanguage(samples: Float32Array, signal?: AbortSignal): Promise<LanguageDetection>;
}

export class ServedModel implements ModelRunner {
	readonly modelId: string;
	readonly ready: Promise<LoadedModel>;
	#state!: ModelState;
	/** Told of every change of state (the model thread passes them on to the server). */
	readonly #onState: (state: ModelState) => void;

	get state(): ModelState {
		return this.#state;
	}

	set state(state: ModelState) {
		this.#state = state;
		this.#onState(state);
	}
	readonly #defaultBeamSize: number;

	constructor(config: ServerConfig, onState: (state: ModelState) => void = () => {}) {
		this.#onState = onState;
		this.modelId = config.model;
		this.#defaultBeamSize = config.beamSize;
		const from = config.modelSource === 'local' ? config.modelDir : 'the Hugging Face hub';
		this.state = { status: 'loading', message: `Loading ${config.model} (${config.device}) from ${from}.` };
		this.ready = this.#load(config);
		this.ready.then(
			() => (this.state = { status: 'ready' }),
			(error: unknown) => {
				this.state = { status: 'failed', message: error instanceof Error ? error.message : String(error) };
				console.error(`Koe: the model ${this.modelId} could not be loaded: ${this.state.message}`);
			}
		);
	}

	async #load(config: ServerConfig): Promise<LoadedModel> {
		const source: ModelSource = config.modelSource === 'local' ? { kind: 'local', root: config.modelDir } : { kind: 'hub' };
		useModelSource(source);
		// Hub downloads go beside the local models (a container's /models volume), not into node_modules.
		env.cacheDir = config.hubCacheDir;
		const dtypes: WhisperDtypes = config.dtype
			? { encoder_model: config.dtype, decoder_model_merged: config.dtype }
			: selectDtypes(config.device);
		const started = Date.now();
		// Silero VAD (vad_filter) is loaded with the model, so that /health is only ready with both.
		useVoiceDetector(nodeVoiceDetector);
		await voiceDetector();
		const loaded = await loadModel({
			model: getModel(config.model),
			device: config.device,
			source,
			dtypes,
			ort: nodeOrt,
			onProgress: this.#reporter(source.kind === 'hub' ? 'Downloading' : 'Reading')
		});
		console.log(
			`Koe: model ${config.model} loaded (${config.device}, ${Object.values(dtypes).join('/')}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`
		);
		return loaded;
	}

	/** Download (or local read) progress into the log (each file at every tenth) and into /health's message. */
	#reporter(verb: 'Downloading' | 'Reading'): (info: ProgressInfo) => void {
		const logged = new Map<string, number>();
		return (info) => {
			if (info.status !== 'progress' || !(info.total > 0)) return;
			const tenth = Math.floor((info.loaded / info.total) * 10);
			const percent = Math.round((info.loaded / info.total) * 100);
			const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
			const line = `${verb} ${info.file} for ${this.modelId}: ${percent}% (${megabytes(info.loaded)} of ${megabytes(info.total)} MB)`;
			// A change of a whole percent is news (the thread sends each one to the server).
			if (this.state.status !== 'loading' || this.state.message !== `${line}.`) this.state = { status: 'loading', message: `${line}.` };
			if ((logged.get(info.file) ?? -1) < tenth) {
				logged.set(info.file, tenth);
				console.log(`Koe: ${line}`);
			}
		};
	}

	async transcribe(
		audio: AudioInput,
		options: TranscribeOptions,
		onProgress?: (progress: TranscribeProgress) => void,
		signal?: AbortSignal
	): Promise<Transcript> {
		const model = await this.ready;
		const withBeams = { ...options, beamSize: options.beamSize ?? this.#defaultBeamSize };
		if (audio instanceof Float32Array) return transcribe(model, audio, withBeams, onProgress, signal);
		const media = await openMediaFile(audio.mediaFile, signal);
		try {
			if (media.length === 0) throw apiError('no_audio');
			return await transcribe(model, media, withBeams, onProgress, signal);
		} finally {
			media.close();
		}
	}

	/** The language of the first 30 s; an English-only model hears English (as faster-whisper answers for .en models). */
	async detectLanguage(samples: Float32Array, signal?: AbortSignal): Promise<LanguageDetection> {
		try {
			return await detectLanguage(await this.ready, samples, signal);
		} catch (error) {
			if (error instanceof EnglishOnlyModelError) return { code: 'en', name: 'english', probability: 1, ranked: [] };
			throw error;
		}
	}
}
