/**
 * @file The page's one handle on the transcription worker (the only module that calls comlink's
 * `wrap`), and the job state the UI renders: phase, progress, transcript, error.
 */
import * as Comlink from 'comlink';
import type { ProgressInfo } from '@huggingface/transformers';
import type { Transcript } from '$lib/core/transcript';
import type { ModelSource } from '$lib/engine/source';
import { DEFAULT_MODEL } from '$lib/engine/models';
import type { TranscribeProgress } from '$lib/engine/transcribe';
import type { EngineApi } from '$workers/transcribe.worker';
import { probeCapabilities, type Capabilities } from './capabilities';
import { decodeToPcm } from './decode';
import { MediaError } from './errors';

export type Phase = 'idle' | 'decoding' | 'loading' | 'transcribing' | 'done' | 'error';

/** What the progress bar shows: a fraction, or null while the length of the work is unknown. */
export interface ProgressView {
	label: string;
	fraction: number | null;
}

class TranscriptionJob {
	phase = $state<Phase>('idle');
	fileName = $state('');
	progress = $state.raw<ProgressView | null>(null);
	partialText = $state('');
	transcript = $state.raw<Transcript | null>(null);
	error = $state('');
	capabilities = $state.raw<Capabilities | null>(null);
	/** Seconds spent transcribing the last file (model load excluded). */
	elapsedSeconds = $state(0);

	busy = $derived(this.phase === 'decoding' || this.phase === 'loading' || this.phase === 'transcribing');

	#engine: Comlink.Remote<EngineApi> | undefined;
	#modelSource: ModelSource = { kind: 'hub' };

	/** Call once the page knows where models come from; probes the device in the background. */
	async init(modelSource: ModelSource): Promise<void> {
		this.#modelSource = modelSource;
		this.capabilities = await probeCapabilities();
	}

	async run(file: File): Promise<void> {
		if (this.busy) return;
		this.fileName = file.name;
		this.transcript = null;
		this.partialText = '';
		this.error = '';
		try {
			this.phase = 'decoding';
			this.progress = { label: 'Reading the audio…', fraction: null };
			const audio = await decodeToPcm(file);

			const capabilities = (this.capabilities ??= await probeCapabilities());
			this.phase = 'loading';
			this.progress = { label: 'Loading the model…', fraction: null };
			const engine = this.#connect();
			await engine.load(DEFAULT_MODEL, capabilities.device, this.#modelSource, Comlink.proxy((info) => this.#onLoadProgress(info)));

			this.phase = 'transcribing';
			this.progress = { label: 'Transcribing…', fraction: 0 };
			const started = performance.now();
			const transcript = await engine.transcribe(
				Comlink.transfer(audio, [audio.buffer]),
				{},
				Comlink.proxy((progress) => this.#onTranscribeProgress(progress))
			);
			this.elapsedSeconds = (performance.now() - started) / 1000;
			this.transcript = transcript;
			this.phase = 'done';
		} catch (error) {
			this.error = describeError(error, this.phase);
			this.phase = 'error';
		} finally {
			this.progress = null;
			this.partialText = '';
		}
	}

	#connect(): Comlink.Remote<EngineApi> {
		if (!this.#engine) {
			const worker = new Worker(new URL('../../../workers/transcribe.worker.ts', import.meta.url), { type: 'module' });
			this.#engine = Comlink.wrap<EngineApi>(worker);
		}
		return this.#engine;
	}

	#onLoadProgress(info: ProgressInfo): void {
		if (info.status === 'progress' && info.total > 0) {
			this.progress = { label: `Downloading ${info.file}…`, fraction: info.loaded / info.total };
		} else if (info.status === 'ready') {
			this.progress = { label: 'Model ready', fraction: 1 };
		}
	}

	#onTranscribeProgress(progress: TranscribeProgress): void {
		this.partialText = progress.partialText;
		this.progress = { label: 'Transcribing…', fraction: progress.windowsDone / progress.windowsTotal };
	}
}

/** A message for the person at the screen, saying which step failed. */
function describeError(error: unknown, phase: Phase): string {
	if (error instanceof MediaError) return error.message;
	const detail = error instanceof Error ? error.message : String(error);
	if (phase === 'loading') {
		return `The speech model could not be loaded (${detail}). Check the network connection and try again.`;
	}
	if (phase === 'decoding') return `Koe could not read this file: ${detail}`;
	return `Transcription failed: ${detail}`;
}

export const job = new TranscriptionJob();
