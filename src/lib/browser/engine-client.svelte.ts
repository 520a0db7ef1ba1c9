/**
 * @file The page's one handle on the transcription worker (the only module that calls comlink's
 * `wrap`), and the job state the UI renders: phase, progress, transcript, error.
 */
import * as Comlink from 'comlink';
import type { ProgressInfo } from '@huggingface/transformers';
import { SAMPLE_RATE } from '$lib/core/audio';
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
import type { Failure, Messages } from './i18n/messages';
import { history } from './history.svelte';
import { evictModel, forgetEstimates } from './model-size';
import { chooseRoute, type Route, type ServerOffer } from './route';
import { transcribeOnServer } from './server-client';
import { settings } from './settings.svelte';

export type Phase = 'idle' | 'decoding' | 'loading' | 'transcribing' | 'done' | 'cancelled' | 'error';

/** What the progress bar shows: a fraction, or null while the length of the work is unknown. */
export interface ProgressView {
	/** What is happening, in the UI language. */
	label: (m: Messages) => string;
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
	error = $state.raw<Failure | null>(null);
	capabilities = $state.raw<Capabilities | null>(null);
	/** Models this page can load (local mode: those the server has). */
	availableModels = $state.raw<string[]>([]);
	modelSource = $state.raw<ModelSource>({ kind: 'hub' });
	/** What the page's server offers browsers that can't run a model themselves. */
	server = $state.raw<ServerOffer>({ model: null });
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

	/** Where the next run goes, and why (null until the device is probed). */
	route = $derived.by((): Route | null => {
		if (!this.model || !this.capabilities) return null;
		return chooseRoute(this.model, this.capabilities, this.server, settings.current.route);
	});

	#engine: Comlink.Remote<EngineApi> | undefined;
	#worker: Worker | undefined;
	/** Rejects the running transcription's wait with an AbortError. */
	#cancel: (() => void) | undefined;

	/** Call once the page knows where models come from; probes the device. */
	async init(modelSource: ModelSource, availableModels: string[], server: ServerOffer): Promise<void> {
		this.modelSource = modelSource;
		this.availableModels = availableModels;
		this.server = server;
		this.capabilities = await probeCapabilities();
	}

	async run(file: File): Promise<void> {
		if (this.busy) return;
		this.fileName = file.name;
		this.transcript = null;
		this.entryId = '';
		this.liveSegments = [];
		this.liveLanguage = null;
		this.error = null;
		this.#showMedia(file);
		this.phase = 'decoding'; // busy from here on: a second drop waits for this one
		const capabilities = (this.capabilities ??= await probeCapabilities());
		const model = this.model;
		if (!model) {
			this.error = { code: 'model-unavailable', detail: settings.current.model };
			this.phase = 'error';
			return;
		}
		const route = this.route!; // model and capabilities are known by now
		if (route.where !== 'local') return this.#runOnServer(file, route);
		let media: MediaReader | undefined;
		try {
			this.progress = { label: (m) => m.reading, fraction: null };
			media = await openMedia(file);

			this.phase = 'loading';
			this.progress = { label: (m) => m.loadingModel(model.id), fraction: null };
			const engine = this.#connect();
			const source = $state.snapshot(this.modelSource);
			await engine
				.load(model.id, capabilities.device, source, Comlink.proxy((info) => this.#onLoadProgress(info)))
				.catch(async (error: unknown) => {
					// onnxruntime-web does not recover from a session that failed to build (the same
					// model fails again even once the files are whole): the next try gets a new worker.
					this.#disconnect();
					// A download cut short can be cached whole by transformers.js and would fail every
					// later try: drop this model's files so the next try downloads them again (not when
					// offline or out of memory, where the cached files are fine).
					if (describeError(error, 'loading').code === 'model-load') await evictModel(model, source);
					throw error;
				});
			forgetEstimates();

			this.phase = 'transcribing';
			this.progress = { label: (m) => m.transcribing, fraction: 0 };
			const reader = media;
			const read = async (start: number, count: number) => {
				const samples = await reader.read(start, count);
				return Comlink.transfer(samples, [samples.buffer]);
			};
			const started = performance.now();
			let cancel = () => {};
			const cancelled = new Promise<never>((_, reject) => {
				cancel = () => reject(new DOMException('Cancelled', 'AbortError'));
			});
			this.#cancel = cancel;
			// The page answers a cancel at once; the worker stops at its next decoder step.
			const transcript = await Promise.race([
				engine.transcribe(
					media.length,
					Comlink.proxy(read),
					transcribeOptions(model),
					Comlink.proxy((progress) => {
						// A cancelled run may still report its last window: only the live run counts.
						if (this.phase === 'transcribing' && this.#cancel === cancel) this.#onTranscribeProgress(progress, started);
					})
				),
				cancelled
			]);
			this.elapsedSeconds = (performance.now() - started) / 1000;
			this.transcript = await inChosenScript(transcript);
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
			this.#cancel = undefined;
			this.progress = null;
			this.liveSegments = [];
			await media?.close();
		}
	}

	/** The file goes to the page's server, which runs its own model with the same options. */
	async #runOnServer(file: File, route: Route): Promise<void> {
		if (route.where === 'nowhere' || !this.server.model) {
			this.error = { code: 'no-route' };
			this.phase = 'error';
			return;
		}
		const model = getModel(this.server.model);
		const controller = new AbortController();
		this.#cancel = () => controller.abort(new DOMException('Cancelled', 'AbortError'));
		this.phase = 'transcribing';
		this.progress = { label: (m) => m.onServer(model.id), fraction: 0 };
		const started = performance.now();
		try {
			const transcript = await transcribeOnServer(
				file,
				transcribeOptions(model),
				(fraction) => {
					const secondsLeft = timeLeft((performance.now() - started) / 1000, fraction);
					this.progress = { label: (m) => m.onServer(model.id), fraction, secondsLeft };
				},
				controller.signal
			);
			this.elapsedSeconds = (performance.now() - started) / 1000;
			this.transcript = await inChosenScript(transcript);
			this.phase = 'done';
			await this.#remember(file.name, model.id, SERVER_DEVICE, this.transcript);
		} catch (error) {
			if (isAbort(error)) {
				this.phase = 'cancelled';
			} else {
				this.error = { code: 'server', detail: error instanceof Error ? error.message : String(error) };
				this.phase = 'error';
			}
		} finally {
			this.#cancel = undefined;
			this.progress = null;
		}
	}

	/** Stops the running job; what was transcribed so far is kept. */
	cancel(): void {
		if (this.phase !== 'transcribing') return;
		void this.#engine?.cancel();
		this.#cancel?.();
	}

	/** After a cancel: the finished segments become the transcript, marked partial in history. */
	async #keepPartial(fileName: string, model: string, device: string, media: MediaReader | undefined): Promise<void> {
		this.phase = 'cancelled';
		if (this.liveSegments.length === 0) return;
		const duration = this.liveSegments.at(-1)!.end;
		const pieces = this.liveSegments.map(({ id: _id, ...piece }) => piece);
		const partial = makeTranscript(pieces, this.liveLanguage, Math.min(duration, (media?.length ?? Infinity) / SAMPLE_RATE));
		this.transcript = await inChosenScript(partial);
		await this.#remember(fileName, model, device, this.transcript, true);
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
		this.error = null;
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

	async #remember(fileName: string, model: string, device: string, transcript: Transcript, partial = false): Promise<void> {
		try {
			const entry = await history.add({ fileName, model, device, language: transcript.language, transcript, partial });
			this.entryId = entry.id;
		} catch {
			// The transcript stays on screen and downloadable; history shows why it is off.
			await history.refresh();
		}
	}

	#connect(): Comlink.Remote<EngineApi> {
		if (!this.#engine) {
			this.#worker = new Worker(new URL('../../../workers/transcribe.worker.ts', import.meta.url), { type: 'module' });
			this.#engine = Comlink.wrap<EngineApi>(this.#worker);
		}
		return this.#engine;
	}

	/** Ends the worker; the next job starts a fresh one. */
	#disconnect(): void {
		this.#engine?.[Comlink.releaseProxy]();
		this.#worker?.terminate();
		this.#engine = undefined;
		this.#worker = undefined;
	}

	#onLoadProgress(info: ProgressInfo): void {
		if (info.status === 'progress' && info.total > 0) {
			const file = info.file;
			this.progress = { label: (m) => m.downloading(file), fraction: info.loaded / info.total };
		} else if (info.status === 'ready') {
			this.progress = { label: (m) => m.modelReady, fraction: 1 };
		}
	}

	#onTranscribeProgress(progress: TranscribeProgress, startedAt: number): void {
		if (progress.segments.length > 0) this.liveSegments = [...this.liveSegments, ...progress.segments];
		this.liveLanguage = progress.language;
		const fraction = progress.secondsTotal > 0 ? Math.min(1, progress.secondsDone / progress.secondsTotal) : null;
		const secondsLeft = fraction === null ? undefined : timeLeft((performance.now() - startedAt) / 1000, fraction);
		this.progress = { label: (m) => m.transcribing, fraction, secondsLeft };
	}
}

/** The engine options from the user's settings, for this model. */
function transcribeOptions(model: ModelEntry): TranscribeOptions {
	const { task, language, initialPrompt, wordTimestamps, beamSize } = settings.current;
	return {
		...(model.multilingual ? { task, ...(language ? { language } : {}) } : {}),
		...(initialPrompt.trim() ? { initialPrompt: initialPrompt.trim() } : {}),
		wordTimestamps,
		beamSize
	};
}

/** The transcript as the user asked to read it (Simplified characters for Chinese, if chosen). */
async function inChosenScript(transcript: Transcript): Promise<Transcript> {
	return settings.current.simplifiedChinese ? toSimplifiedChinese(transcript) : transcript;
}

/** Seconds still to go at the rate so far; unknown until some work is done. */
function timeLeft(elapsedSeconds: number, fraction: number): number | undefined {
	return fraction > 0 ? (elapsedSeconds / fraction) * (1 - fraction) : undefined;
}

/** How history names work done by the server. */
const SERVER_DEVICE = 'Koe server';

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** What failed, as a code the page words in the UI language; the step decides the code. */
function describeError(error: unknown, phase: Phase): Failure {
	if (error instanceof MediaError) return { code: error.code };
	const detail = error instanceof Error ? error.message : String(error);
	if (/out of memory|allocation failed|Aborted\(OOM\)|device (was )?lost/i.test(detail)) return { code: 'out-of-memory' };
	if (phase === 'loading') return navigator.onLine ? { code: 'model-load', detail } : { code: 'model-offline' };
	if (phase === 'decoding') return { code: 'decode', detail };
	return { code: 'transcribe', detail };
}

export const job = new TranscriptionJob();
