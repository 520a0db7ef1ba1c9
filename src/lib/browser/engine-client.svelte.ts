/**
 * @file The page's one handle on the transcription worker (the only module that calls comlink's
 * `wrap`), and the job state the UI renders: phase, progress, transcript, error.
 */
import * as Comlink from 'comlink';
import type { ProgressInfo } from '@huggingface/transformers';
import { toSimplifiedChinese } from '$lib/core/chinese';
import { editSegmentText } from '$lib/core/review';
import { makeTranscript, type Segment, type Transcript } from '$lib/core/transcript';
import type { ModelSource } from '$lib/engine/source';
import { autoModel, getModel, type ModelEntry } from '$lib/engine/models';
import type { TranscribeOptions, TranscribeProgress } from '$lib/engine/transcribe';
import type { EngineApi } from '$workers/transcribe.worker';
import { probeCapabilities, type Capabilities } from './capabilities';
import { openMedia, type MediaReader } from './decode';
import { MediaError } from './errors';
import { history } from './history.svelte';
import { forgetEstimates } from './model-size';
import { settings } from './settings.svelte';

export type Phase = 'idle' | 'decoding' | 'loading' | 'transcribing' | 'done' | 'cancelled' | 'error';

/** What the progress bar shows: a fraction, or null while the length of the work is unknown. */
export interface ProgressView {
	label: string;
	fraction: number | null;
	/** Estimated seconds of work left, once there is a rate to go by. */
	secondsLeft?: number;
}

class TranscriptionJob {
	phase = $state<Phase>('idle');
	fileName = $state('');
	progress = $state.raw<ProgressView | null>(null);
	/** Segments finished so far while a file is being transcribed. */
	liveSegments = $state.raw<Segment[]>([]);
	/** The language in use while transcribing (given or detected). */
	liveLanguage = $state<string | null>(null);
	transcript = $state.raw<Transcript | null>(null);
	/** The history entry the shown transcript belongs to. */
	entryId = $state('');
	error = $state('');
	capabilities = $state.raw<Capabilities | null>(null);
	/** Models this page can load (local mode: those the server has). */
	availableModels = $state.raw<string[]>([]);
	modelSource = $state.raw<ModelSource>({ kind: 'hub' });
	/** Seconds spent transcribing the last file (model load excluded). */
	elapsedSeconds = $state(0);
	/** An object URL of the file being reviewed (empty for transcripts reopened from history). */
	mediaUrl = $state('');
	mediaKind = $state<'audio' | 'video'>('audio');

	busy = $derived(this.phase === 'decoding' || this.phase === 'loading' || this.phase === 'transcribing');

	/** The model the next run will use, with "auto" resolved for this device. */
	model = $derived.by((): ModelEntry | null => {
		const chosen = settings.current.model;
		if (chosen !== 'auto') return this.availableModels.includes(chosen) ? getModel(chosen) : null;
		const device = this.capabilities?.device;
		const id = device ? autoModel(device, this.availableModels) : null;
		return id ? getModel(id) : null;
	});

	#engine: Comlink.Remote<EngineApi> | undefined;

	/** Call once the page knows where models come from; probes the device. */
	async init(modelSource: ModelSource, availableModels: string[]): Promise<void> {
		this.modelSource = modelSource;
		this.availableModels = availableModels;
		this.capabilities = await probeCapabilities();
	}

	async run(file: File): Promise<void> {
		if (this.busy) return;
		this.fileName = file.name;
		this.transcript = null;
		this.entryId = '';
		this.liveSegments = [];
		this.liveLanguage = null;
		this.error = '';
		this.#showMedia(file);
		const capabilities = (this.capabilities ??= await probeCapabilities());
		const model = this.model;
		if (!model) {
			this.error = `The model "${settings.current.model}" is not available on this server. Choose another model.`;
			this.phase = 'error';
			return;
		}
		let media: MediaReader | undefined;
		try {
			this.phase = 'decoding';
			this.progress = { label: 'Reading the audio…', fraction: null };
			media = await openMedia(file);

			this.phase = 'loading';
			this.progress = { label: `Loading the ${model.id} model…`, fraction: null };
			const engine = this.#connect();
			await engine.load(model.id, capabilities.device, $state.snapshot(this.modelSource), Comlink.proxy((info) => this.#onLoadProgress(info)));
			forgetEstimates();

			this.phase = 'transcribing';
			this.progress = { label: 'Transcribing…', fraction: 0 };
			const reader = media;
			const read = async (start: number, count: number) => {
				const samples = await reader.read(start, count);
				return Comlink.transfer(samples, [samples.buffer]);
			};
			const started = performance.now();
			const transcript = await engine.transcribe(
				media.length,
				Comlink.proxy(read),
				transcribeOptions(model),
				Comlink.proxy((progress) => this.#onTranscribeProgress(progress, started))
			);
			this.elapsedSeconds = (performance.now() - started) / 1000;
			this.transcript = settings.current.simplifiedChinese ? await toSimplifiedChinese(transcript) : transcript;
			this.phase = 'done';
			await this.#remember(file.name, model.id, capabilities.label, this.transcript);
		} catch (error) {
			if (isAbort(error)) {
				await this.#keepPartial(file.name, model.id, capabilities.label, media);
			} else {
				this.error = describeError(error, this.phase);
				this.phase = 'error';
			}
		} finally {
			this.progress = null;
			this.liveSegments = [];
			await media?.close();
		}
	}

	/** Stops the running job; what was transcribed so far is kept. */
	cancel(): void {
		if (this.phase === 'transcribing') void this.#engine?.cancel();
	}

	/** After a cancel: the finished segments become the transcript, marked partial in history. */
	async #keepPartial(fileName: string, model: string, device: string, media: MediaReader | undefined): Promise<void> {
		this.phase = 'cancelled';
		if (this.liveSegments.length === 0) return;
		const duration = this.liveSegments.at(-1)!.end;
		const pieces = this.liveSegments.map(({ id: _id, ...piece }) => piece);
		const partial = makeTranscript(pieces, this.liveLanguage, Math.min(duration, (media?.length ?? Infinity) / 16_000));
		this.transcript = settings.current.simplifiedChinese ? await toSimplifiedChinese(partial) : partial;
		await this.#remember(`${fileName} (partial)`, model, device, this.transcript);
	}

	/** Shows a transcript from the history. */
	async reopen(id: string): Promise<void> {
		if (this.busy) return;
		const entry = await history.open(id);
		if (!entry) return;
		this.transcript = entry.transcript;
		this.fileName = entry.fileName;
		this.#showMedia(null);
		this.entryId = entry.id;
		this.elapsedSeconds = 0; // not timed here: it was transcribed in an earlier visit
		this.error = '';
		this.phase = 'done';
	}

	/** Applies a hand edit of one segment, on screen and in the history. */
	async editSegment(segmentId: number, text: string): Promise<void> {
		if (!this.transcript) return;
		this.transcript = editSegmentText(this.transcript, segmentId, text);
		if (this.entryId) await history.updateTranscript(this.entryId, this.transcript).catch(() => {});
	}

	#showMedia(file: File | null): void {
		if (this.mediaUrl) URL.revokeObjectURL(this.mediaUrl);
		this.mediaUrl = file ? URL.createObjectURL(file) : '';
		// Browsers leave the type empty for some containers (mkv), so the extension decides then.
		const video = file && (file.type.startsWith('video/') || (!file.type && /\.(mp4|m4v|mov|mkv|avi)$/i.test(file.name)));
		this.mediaKind = video ? 'video' : 'audio';
	}

	async #remember(fileName: string, model: string, device: string, transcript: Transcript): Promise<void> {
		try {
			const entry = await history.add({ fileName, model, device, language: transcript.language, transcript });
			this.entryId = entry.id;
		} catch {
			// The transcript stays on screen and downloadable; history shows why it is off.
			await history.refresh();
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

	#onTranscribeProgress(progress: TranscribeProgress, startedAt: number): void {
		if (progress.segments.length > 0) this.liveSegments = [...this.liveSegments, ...progress.segments];
		this.liveLanguage = progress.language;
		const fraction = progress.secondsTotal > 0 ? Math.min(1, progress.secondsDone / progress.secondsTotal) : null;
		const elapsed = (performance.now() - startedAt) / 1000;
		const secondsLeft =
			progress.secondsDone > 0 ? (elapsed / progress.secondsDone) * Math.max(0, progress.secondsTotal - progress.secondsDone) : undefined;
		this.progress = { label: 'Transcribing…', fraction, secondsLeft };
	}
}

/** The engine options from the user's settings, for this model. */
function transcribeOptions(model: ModelEntry): TranscribeOptions {
	const { task, language, initialPrompt, wordTimestamps } = settings.current;
	return {
		...(model.multilingual ? { task, ...(language ? { language } : {}) } : {}),
		...(initialPrompt.trim() ? { initialPrompt: initialPrompt.trim() } : {}),
		wordTimestamps
	};
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** A message for the person at the screen, saying which step failed. */
function describeError(error: unknown, phase: Phase): string {
	if (error instanceof MediaError) return error.message;
	const detail = error instanceof Error ? error.message : String(error);
	if (/out of memory|allocation failed|Aborted\(OOM\)|device (was )?lost/i.test(detail)) {
		return 'This device ran out of memory for the model. Choose a smaller model and try again; your earlier transcripts are safe in the history.';
	}
	if (phase === 'loading' && !navigator.onLine) {
		return 'This model is not downloaded yet, and there is no network connection. Connect once to download it, or choose a model marked “Downloaded already”.';
	}
	if (phase === 'loading') {
		return `The speech model could not be loaded (${detail}). Check the network connection and try again.`;
	}
	if (phase === 'decoding') return `Koe could not read this file: ${detail}`;
	return `Transcription failed: ${detail}`;
}

export const job = new TranscriptionJob();
