/**
 * @file The job state the UI renders (phase, progress, transcript, error) and the steps of a
 * job: decode the media, load the model in the worker (engine-worker.ts), transcribe, keep the
 * result in history; or hand the file to the page's server (server-client.ts).
 */
import type { ProgressInfo } from '@huggingface/transformers';
import { SAMPLE_RATE } from '$lib/core/audio';
import { toSimplifiedChinese } from '$lib/core/chinese';
import { makeTranscript, type Segment, type Transcript } from '$lib/core/transcript';
import type { ModelSource } from '$lib/engine/model-source';
import { autoModel, getModel, type ModelEntry } from '$lib/engine/models';
import type { TranscribeProgress } from '$lib/engine/transcribe';
import { autoDevice, probeCapabilities, type Capabilities } from './capabilities';
import { openMedia, type MediaReader } from './decode';
import { EngineWorker } from './engine-worker';
import { failureOf, historyFailure, RETRYABLE } from './failures';
import type { Failure, Messages } from './i18n/messages';
import { history } from './history.svelte';
import { estimateDownload, forgetEstimates } from './model-size';
import { chooseRoute, type Route, type ServerOffer } from './route';
import { ServerJobError, transcribeOnServer } from './server-client';
import { optionsFor, settings } from './settings.svelte';

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
	/** What went wrong beside a transcript that is fine: it was not kept, the model was not stored. */
	notices = $state.raw<Failure[]>([]);
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
	/** The file being shown, for "Download video with subtitles" (none for a transcript reopened from history). */
	mediaFile = $state.raw<File | null>(null);

	busy = $derived(this.phase === 'decoding' || this.phase === 'loading' || this.phase === 'transcribing');

	/** The model the next run will use, with "auto" resolved for this device. */
	model = $derived.by((): ModelEntry | null => {
		const chosen = settings.current.model;
		if (chosen !== 'auto') return this.availableModels.includes(chosen) ? getModel(chosen) : null;
		const id = this.capabilities ? autoModel(autoDevice(this.capabilities), this.availableModels) : null;
		return id ? getModel(id) : null;
	});

	/** Where the next run goes, and why (null until the device is probed). */
	route = $derived.by((): Route | null => {
		if (!this.model || !this.capabilities) return null;
		return chooseRoute(this.model, this.capabilities, this.server, settings.current.route);
	});

	/** The worker, for live captions (live-captions.svelte.ts), which share its model. */
	engine(): EngineWorker {
		return this.#worker;
	}

	/** Whether "Try again" can run the last file again. */
	get canRetry(): boolean {
		return this.phase === 'error' && this.error !== null && RETRYABLE.has(this.error.code) && this.#lastFile !== undefined;
	}

	readonly #worker = new EngineWorker();
	/** The file of the last run, for "Try again". */
	#lastFile: File | undefined;
	/** Transcripts before each hand edit, and after each undone one. */
	#undo: Transcript[] = [];
	#redo: Transcript[] = [];
	canUndo = $state(false);
	canRedo = $state(false);
	/** Counts runs, so that a callback of an ended run can tell it is late. */
	#runs = 0;
	/** Rejects the running transcription's wait with an AbortError. */
	#cancel: (() => void) | undefined;
	/** The run in progress, for idle(). */
	#inProgress: Promise<void> | null = null;

	/** Call once the page knows where models come from; probes the device. */
	async init(modelSource: ModelSource, availableModels: string[], server: ServerOffer): Promise<void> {
		this.modelSource = modelSource;
		this.availableModels = availableModels;
		this.server = server;
		this.capabilities = await probeCapabilities();
	}

	/** Transcribes a file, unless a run is in progress (see idle). */
	async run(file: File): Promise<void> {
		if (this.busy) return;
		const running = (this.#inProgress = this.#run(file));
		try {
			await running;
		} finally {
			if (this.#inProgress === running) this.#inProgress = null;
		}
	}

	/** Resolves once no run is in progress (its history entry written too). */
	async idle(): Promise<void> {
		while (this.#inProgress) await this.#inProgress.catch(() => undefined);
	}

	async #run(file: File): Promise<void> {
		const run = ++this.#runs;
		this.#lastFile = file;
		this.notices = [];
		this.fileName = file.name;
		this.transcript = null;
		this.#forgetEdits();
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
			const source = $state.snapshot(this.modelSource);
			// transformers.js fetches the encoder and decoder side by side: when one fails, the other
			// still reports progress after this run has ended, so only a run still loading shows it.
			await this.#worker.load(model, capabilities.device, source, (info) => {
				if (this.phase === 'loading' && this.#runs === run) this.#onLoadProgress(info);
			});
			forgetEstimates();
			void this.#checkModelKept(model, capabilities.device, source);

			this.phase = 'transcribing';
			this.progress = { label: (m) => m.transcribing, fraction: 0 };
			const started = performance.now();
			let cancel = () => {};
			const cancelled = new Promise<never>((_, reject) => {
				cancel = () => reject(new DOMException('Cancelled', 'AbortError'));
			});
			this.#cancel = cancel;
			// The page answers a cancel at once; the worker stops at its next decoder step.
			const transcript = await Promise.race([
				this.#worker.transcribe(media.length, media.read.bind(media), optionsFor(model), (progress) => {
					// A cancelled run may still report its last window: only the live run counts.
					if (this.phase === 'transcribing' && this.#cancel === cancel) this.#onTranscribeProgress(progress, started);
				}),
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
				this.error = failureOf(error, this.phase === 'decoding' || this.phase === 'loading' ? this.phase : 'transcribing');
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
				optionsFor(model),
				(fraction) => {
					const secondsLeft = timeLeft((performance.now() - started) / 1000, fraction);
					this.progress = { label: (m) => m.onServer(model.id), fraction, secondsLeft };
				},
				controller.signal,
				this.server.token ?? null
			);
			this.elapsedSeconds = (performance.now() - started) / 1000;
			this.transcript = await inChosenScript(transcript);
			this.phase = 'done';
			await this.#remember(file.name, model.id, SERVER_DEVICE, this.transcript);
		} catch (error) {
			if (isAbort(error)) {
				this.phase = 'cancelled';
			} else {
				this.error = error instanceof ServerJobError ? { code: 'server', detail: error.message } : failureOf(error, 'transcribing');
				this.phase = 'error';
			}
		} finally {
			this.#cancel = undefined;
			this.progress = null;
		}
	}

	/** Runs the last file again, after a failure that a second try may get past. */
	async retry(): Promise<void> {
		if (this.canRetry) await this.run(this.#lastFile!);
	}

	/** Stops the running job; what was transcribed so far is kept. */
	cancel(): void {
		if (this.phase !== 'transcribing') return;
		this.#worker.cancel();
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
		this.#forgetEdits();
		this.fileName = entry.fileName;
		this.#showMedia(null);
		this.entryId = entry.id;
		this.elapsedSeconds = 0; // not timed here: it was transcribed in an earlier visit
		this.error = null;
		this.notices = [];
		this.phase = 'done';
	}

	/** Applies a hand edit (core/editing.ts), on screen and in the history; it can be undone. */
	async edit(change: (transcript: Transcript) => Transcript): Promise<void> {
		if (!this.transcript) return;
		const edited = change(this.transcript);
		if (edited === this.transcript) return;
		this.#undo.push(this.transcript);
		this.#redo = [];
		await this.#showEdited(edited);
	}

	async undo(): Promise<void> {
		const before = this.#undo.pop();
		if (!before || !this.transcript) return;
		this.#redo.push(this.transcript);
		await this.#showEdited(before);
	}

	async redo(): Promise<void> {
		const after = this.#redo.pop();
		if (!after || !this.transcript) return;
		this.#undo.push(this.transcript);
		await this.#showEdited(after);
	}

	async #showEdited(transcript: Transcript): Promise<void> {
		this.transcript = transcript;
		this.canUndo = this.#undo.length > 0;
		this.canRedo = this.#redo.length > 0;
		if (this.entryId) await history.updateTranscript(this.entryId, transcript).catch((error) => this.#notify(historyFailure(error)));
	}

	/** A new transcript on screen: the edits of the last one can no longer be undone. */
	#forgetEdits(): void {
		this.#undo = [];
		this.#redo = [];
		this.canUndo = false;
		this.canRedo = false;
	}

	#showMedia(file: File | null): void {
		if (this.mediaUrl) URL.revokeObjectURL(this.mediaUrl);
		this.mediaUrl = file ? URL.createObjectURL(file) : '';
		this.mediaFile = file;
		// Browsers leave the type empty for some containers (mkv), so the extension decides then.
		const video = file && (file.type.startsWith('video/') || (!file.type && /\.(mp4|m4v|mov|mkv|avi)$/i.test(file.name)));
		this.mediaKind = video ? 'video' : 'audio';
	}

	async #remember(fileName: string, model: string, device: string, transcript: Transcript, partial = false): Promise<void> {
		try {
			const entry = await history.add({ fileName, model, device, language: transcript.language, transcript, partial });
			this.entryId = entry.id;
		} catch (error) {
			// The transcript stays on screen and downloadable; the notice says it was not kept, and why.
			this.#notify(historyFailure(error));
			await history.refresh();
		}
	}

	/**
	 * transformers.js keeps a downloaded model in Cache Storage, and goes on without it when the
	 * browser refuses (storage full, or off): then the next visit downloads it again, and offline
	 * use is not possible. Said once the model is loaded, so the user can free up space.
	 */
	async #checkModelKept(model: ModelEntry, device: Capabilities['device'], source: ModelSource): Promise<void> {
		if (!(await estimateDownload(model, device, source)).cached) this.#notify({ code: 'model-not-stored' });
	}

	#notify(notice: Failure): void {
		if (!this.notices.some((shown) => shown.code === notice.code)) this.notices = [...this.notices, notice];
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

export const job = new TranscriptionJob();
