/**
 * @file Live captions: audio from the microphone goes in as it arrives; Silero VAD cuts it into
 * utterances (utterances.ts), each is transcribed as soon as it ends ("final"), and the one under
 * way is transcribed again every so often while the model is free ("partial", replaced by the next).
 * The recording as a whole is transcribed properly at stop; these lines are for reading along.
 */
import type { TranscribeOptions } from '../../core/options';
import { SAMPLE_RATE } from '../../core/audio';
import { samplesSource } from '../audio-source';
import type { LoadedModel } from '../load';
import { transcribe } from '../transcribe';
import { VAD_FRAME_SAMPLES, type SileroVad } from '../vad/silero';
import { SampleBuffer } from './sample-buffer';
import { DEFAULT_LIVE_RULES, UtteranceCutter, type LiveRules, type Utterance } from './utterances';

export { DEFAULT_LIVE_RULES, UtteranceCutter, type LiveRules, type Utterance } from './utterances';
export { SampleBuffer } from './sample-buffer';

/** Audio heard longer ago than this is a backlog (fed after the model loaded, or behind a slow model). */
const FRESH_MS = 1000;
/** Utterances waiting for the model at most (each holds up to 15 s of audio). */
const MAX_PENDING = 8;
/** The characters of earlier lines given as the prompt of the next. */
const CONTEXT_CHARS = 200;

export interface LiveLine {
	/** "final": an utterance that has ended; "partial": the one under way, so far. */
	kind: 'final' | 'partial';
	text: string;
	/** Seconds into the recording. */
	start: number;
	end: number;
	/** Seconds the model took for it. */
	computeSeconds: number;
	/** Final lines: seconds from the end of the speech (as it arrived) to this text. */
	delaySeconds?: number;
}

export interface LiveOptions {
	/** The partial line is redone at most this often, and only while the model is idle. */
	partialEverySeconds?: number;
	rules?: LiveRules;
	/** A clock in milliseconds (performance.now), for the delay. */
	now?: () => number;
}

export class LiveTranscriber {
	readonly #model: LoadedModel;
	readonly #vad: ReturnType<SileroVad['stream']>;
	readonly #options: TranscribeOptions;
	readonly #onLine: (line: LiveLine) => void;
	readonly #partialEvery: number;
	readonly #now: () => number;
	readonly #audio = new SampleBuffer();
	readonly #cutter: UtteranceCutter;
	readonly #abort = new AbortController();
	/** [sample index reached, clock] of each piece of audio received, for the delay of a final line. */
	#arrivals: Array<[number, number]> = [];
	/** Samples the detector has read. */
	#detected = 0;
	/** Feeding is serial: the detector's state runs frame after frame. */
	#feeding: Promise<void> = Promise.resolve();
	/** The model runs one utterance at a time; finals wait in line, partials are skipped when it is busy. */
	#transcribing: Promise<void> = Promise.resolve();
	#pending = 0;
	/** The end of what the final lines said: each utterance is decoded after it, as a window follows the last. */
	#heard = '';
	/** The model runs (detector and Whisper) one after another: see #exclusively. */
	#runtime: Promise<unknown> = Promise.resolve();
	#lastPartial = -Infinity;
	/** When the newest samples were heard: a backlog (fed after the model loaded) gets no partial lines. */
	#lastHeardAt = -Infinity;
	/** The first failure of a line's transcription, thrown by finish(). */
	#error: unknown;
	readonly #padSamples: number;

	constructor(model: LoadedModel, vad: SileroVad, options: TranscribeOptions, onLine: (line: LiveLine) => void, live: LiveOptions = {}) {
		this.#model = model;
		this.#vad = vad.stream();
		// Each utterance is short and stands alone: no VAD inside it, no word alignment.
		this.#options = { ...options, vadFilter: false, wordTimestamps: false };
		this.#onLine = onLine;
		this.#partialEvery = live.partialEverySeconds ?? 1;
		this.#now = live.now ?? (() => performance.now());
		const rules = live.rules ?? DEFAULT_LIVE_RULES;
		this.#cutter = new UtteranceCutter(VAD_FRAME_SAMPLES, rules);
		this.#padSamples = Math.ceil(rules.padSeconds * SAMPLE_RATE);
	}

	/**
	 * The next samples from the microphone (16 kHz mono); `heardAt`: when the last of them was
	 * heard, on this transcriber's clock (by default, now).
	 */
	feed(samples: Float32Array, heardAt = this.#now()): Promise<void> {
		// A line that failed to decode stops live captions: the caller says so.
		if (this.#error !== undefined) return Promise.reject(this.#error);
		this.#audio.append(samples);
		this.#arrivals.push([this.#audio.end, heardAt]);
		this.#lastHeardAt = heardAt;
		this.#feeding = this.#feeding.then(() => this.#detect());
		return this.#feeding;
	}

	/** The end of the recording: the utterance under way is transcribed, and every line given. */
	async finish(): Promise<void> {
		await this.#feeding;
		const last = this.#cutter.flush();
		if (last) this.#schedule('final', last);
		await this.#transcribing;
		if (this.#error !== undefined) throw this.#error;
	}

	/** Stops at once: nothing more is transcribed (the recording's own transcription takes over). */
	async stop(): Promise<void> {
		this.#abort.abort();
		await this.#feeding.catch(() => undefined);
		await this.#transcribing.catch(() => undefined);
	}

	/** The options with the lines so far as the prompt (after the person's own), as openai/whisper conditions each window on the last. */
	#withContext(): TranscribeOptions {
		const prompt = [this.#options.initialPrompt, this.#heard.trim()].filter(Boolean).join(' ');
		return prompt ? { ...this.#options, initialPrompt: prompt } : this.#options;
	}

	/**
	 * Runs `work` when no other model run is under way. onnxruntime-web's WASM runtime takes one
	 * run at a time across all its sessions (a second one fails: "output name cannot be empty"), so
	 * the voice detector waits while Whisper runs, and catches up after.
	 */
	#exclusively<T>(work: () => Promise<T>): Promise<T> {
		const result = this.#runtime.then(work);
		this.#runtime = result.catch(() => undefined);
		return result;
	}

	async #detect(): Promise<void> {
		await this.#exclusively(async () => {
			while (!this.#abort.signal.aborted && this.#detected + VAD_FRAME_SAMPLES <= this.#audio.end) {
				const frame = this.#audio.read(this.#detected, this.#detected + VAD_FRAME_SAMPLES);
				this.#detected += VAD_FRAME_SAMPLES;
				const utterance = this.#cutter.push(await this.#vad.next(frame));
				if (utterance) this.#schedule('final', utterance);
			}
		});
		const current = this.#cutter.current;
		// Nothing before the utterance under way (or the padding of one that may start) is needed again.
		this.#audio.dropBefore((current?.start ?? this.#detected) - this.#padSamples);
		// A partial line only while the model is free and the audio is fresh: behind, finals come first.
		const now = this.#now();
		if (
			current &&
			this.#pending === 0 &&
			current.end - current.start >= SAMPLE_RATE &&
			now - this.#lastPartial >= this.#partialEvery * 1000 &&
			now - this.#lastHeardAt <= FRESH_MS
		) {
			this.#lastPartial = this.#now();
			this.#schedule('partial', { ...current, speechEnd: current.end });
		}
	}

	#schedule(kind: LiveLine['kind'], { start, end, speechEnd }: Utterance): void {
		// Far behind (a device slower than the speech): an utterance is skipped rather than queued
		// with its audio without end; the page has said the device is too slow by then.
		if (this.#pending >= MAX_PENDING) return;
		const samples = this.#audio.read(start, end); // read now: the buffer moves on
		const heardAt = this.#arrivalOf(speechEnd, start);
		this.#pending++;
		const run = async () => {
			try {
				if (this.#abort.signal.aborted) return;
				const started = this.#now();
				const transcript = await this.#exclusively(() =>
					transcribe(this.#model, samplesSource(samples), this.#withContext(), () => {}, this.#abort.signal)
				);
				const text = transcript.segments
					.map((segment) => segment.text)
					.join('')
					.trim();
				const finished = this.#now();
				if (kind === 'final' && text) this.#heard = `${this.#heard} ${text}`.slice(-CONTEXT_CHARS);
				this.#onLine({
					kind,
					text,
					start: start / SAMPLE_RATE,
					end: end / SAMPLE_RATE,
					computeSeconds: (finished - started) / 1000,
					...(kind === 'final' ? { delaySeconds: (finished - heardAt) / 1000 } : {})
				});
			} catch (error) {
				if (!this.#abort.signal.aborted) this.#error ??= error;
			} finally {
				this.#pending--;
			}
		};
		this.#transcribing = this.#transcribing.then(run);
	}

	/** When the sample at `index` arrived; pieces before `needed` (the utterance's start) are forgotten. */
	#arrivalOf(index: number, needed: number): number {
		const arrival = this.#arrivals.find(([reached]) => reached >= index);
		this.#arrivals = this.#arrivals.filter(([reached]) => reached >= needed);
		return arrival?.[1] ?? this.#now();
	}
}
