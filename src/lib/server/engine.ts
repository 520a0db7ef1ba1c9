/**
 * @file The server's Whisper: one model, chosen by MODEL / DEVICE / DTYPE, loaded once at
 * startup on onnxruntime-node (CPU, or CUDA where the operator installed it), shared by every
 * request. /health reports its state.
 */
import path from 'node:path';
import { env } from '@huggingface/transformers';
import type { Transcript } from '../core/transcript';
import { getModel, selectDtypes, type WhisperDtypes } from '../engine/models';
import { useModelSource, type ModelSource } from '../engine/source';
import {
	detectLanguage,
	loadModel,
	transcribe,
	type LanguageDetection,
	type LoadedModel,
	type TranscribeOptions,
	type TranscribeProgress
} from '../engine/transcribe';
import type { ServerConfig } from './config';

export type EngineState = { status: 'loading' } | { status: 'ready' } | { status: 'failed'; message: string };

export class ServerEngine {
	state: EngineState = { status: 'loading' };
	readonly modelId: string;
	readonly ready: Promise<LoadedModel>;
	readonly #defaultBeamSize: number;

	constructor(config: ServerConfig) {
		this.modelId = config.model;
		this.#defaultBeamSize = config.beamSize;
		this.ready = this.#load(config);
		this.ready.then(
			() => (this.state = { status: 'ready' }),
			(error: unknown) => (this.state = { status: 'failed', message: error instanceof Error ? error.message : String(error) })
		);
	}

	async #load(config: ServerConfig): Promise<LoadedModel> {
		const source: ModelSource = config.modelSource === 'local' ? { kind: 'local', root: config.modelDir } : { kind: 'hub' };
		useModelSource(source);
		// Hub downloads go to our cache, not into node_modules.
		env.cacheDir = path.join(config.cacheDir, 'hub');
		const dtypes: WhisperDtypes = config.dtype
			? { encoder_model: config.dtype, decoder_model_merged: config.dtype }
			: selectDtypes(config.device);
		return loadModel({ model: getModel(config.model), device: config.device, source, dtypes });
	}

	async transcribe(
		samples: Float32Array,
		options: TranscribeOptions,
		onProgress?: (progress: TranscribeProgress) => void,
		signal?: AbortSignal
	): Promise<Transcript> {
		return transcribe(await this.ready, samples, { beamSize: this.#defaultBeamSize, ...options }, onProgress, signal);
	}

	/** The language of the first 30 s. */
	async detectLanguage(samples: Float32Array, signal?: AbortSignal): Promise<LanguageDetection> {
		return detectLanguage(await this.ready, samples, signal);
	}
}
