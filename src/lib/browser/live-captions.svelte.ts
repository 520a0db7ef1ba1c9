/**
 * @file Live captions while recording: the microphone's samples go to the worker's
 * LiveTranscriber (engine/live) with the model the next run would use, and its lines come back for
 * the page to show. The recording is still transcribed as a whole at stop; this is for reading along.
 */
import type { LiveLine } from '$lib/engine/live';
import { job } from './engine-client.svelte';
import { estimateDownload } from './model-size';
import { optionsFor } from './settings.svelte';

/** Final lines later than this behind the speech: the device does not keep up. */
export const LIVE_TOO_SLOW_SECONDS = 4;

/** Audio kept while the model loads (30 s at 16 kHz). */
const MAX_WAITING_SAMPLES = 30 * 16_000;

export type LiveStatus = 'loading' | 'listening' | 'unavailable' | 'failed';

class LiveCaptions {
	/** Null while live captions are off. */
	status = $state<LiveStatus | null>(null);
	/** Utterances that have ended, in order. */
	lines = $state.raw<LiveLine[]>([]);
	/** The utterance under way, so far. */
	partial = $state('');
	/** The last final line's delay from the end of its speech. */
	delaySeconds = $state<number | null>(null);
	tooSlow = $state(false);
	modelId = $state('');
	/** Samples heard while the model loads (with when), fed once it is ready. */
	#waiting: Array<[Float32Array, number]> | null = null;
	/** Counts sessions, so that a late answer of an ended one is dropped. */
	#session = 0;

	/**
	 * A recording is likely (the pointer or focus is on the record button): a model already
	 * downloaded starts loading now, so that the first line does not wait for it. Failures wait
	 * for start() to say.
	 */
	prepare(): void {
		const { model, capabilities, route } = job;
		if (this.status !== null || job.busy || !model || !capabilities || route?.where !== 'local') return;
		const source = $state.snapshot(job.modelSource);
		// Only a model already in the browser's cache: a hover must not start a download.
		void estimateDownload(model, capabilities.device, source)
			.then(async ({ cached }) => {
				if (cached && this.status === null && !job.busy) await job.engine().load(model, capabilities.device, source, () => {});
			})
			.catch(() => {});
	}

	/** At the start of a recording: loads the model if need be (samples heard meanwhile wait), then listens. */
	async start(): Promise<void> {
		const session = ++this.#session;
		this.lines = [];
		this.partial = '';
		this.delaySeconds = null;
		this.tooSlow = false;
		const { model, capabilities, route } = job;
		if (!model || !capabilities || route?.where !== 'local') {
			this.status = 'unavailable';
			return;
		}
		this.status = 'loading';
		this.modelId = model.id;
		this.#waiting = [];
		try {
			const engine = job.engine();
			await engine.load(model, capabilities.device, $state.snapshot(job.modelSource), () => {});
			if (session !== this.#session) return;
			await engine.liveStart(optionsFor(model), (line) => {
				if (session === this.#session) this.#show(line);
			});
			if (session !== this.#session) return;
			this.status = 'listening';
			const waiting = this.#waiting ?? [];
			this.#waiting = null;
			for (const [samples, heardAt] of waiting) this.feed(samples, heardAt);
		} catch {
			if (session === this.#session) this.#fail();
		}
	}

	/** The microphone's next samples (16 kHz mono), heard now or at `heardAt` (ms since the epoch). */
	feed(samples: Float32Array, heardAt = performance.timeOrigin + performance.now()): void {
		if (this.#waiting) {
			this.#waiting.push([samples, heardAt]);
			// A long first download: only the last half minute is worth captioning once it is done.
			let kept = this.#waiting.reduce((sum, [piece]) => sum + piece.length, 0);
			while (kept > MAX_WAITING_SAMPLES) kept -= this.#waiting.shift()![0].length;
			return;
		}
		if (this.status !== 'listening') return;
		const session = this.#session;
		void job
			.engine()
			.liveFeed(samples, heardAt)
			.catch(() => session === this.#session && this.#fail());
	}

	/** The recording has stopped: its own transcription takes over. */
	async stop(): Promise<void> {
		this.#session++;
		this.#waiting = null;
		const was = this.status;
		this.status = null;
		this.lines = [];
		this.partial = '';
		if (was === 'listening' || was === 'loading')
			await job
				.engine()
				.liveStop()
				.catch(() => {});
	}

	/** Live captions cannot run for this recording (no samples from this browser). */
	unavailable(): void {
		this.#session++;
		this.#waiting = null;
		this.status = 'unavailable';
	}

	#show(line: LiveLine): void {
		if (line.kind === 'partial') {
			this.partial = line.text;
			return;
		}
		if (line.text) this.lines = [...this.lines, line];
		this.partial = '';
		this.delaySeconds = line.delaySeconds ?? null;
		// The first line waited for the model to load as well: from the second on, a delay says the device is slow.
		if (this.lines.length > 1 && (line.delaySeconds ?? 0) > LIVE_TOO_SLOW_SECONDS) this.tooSlow = true;
	}

	#fail(): void {
		this.#waiting = null;
		this.status = 'failed';
	}
}

export const live = new LiveCaptions();
