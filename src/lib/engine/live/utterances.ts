/**
 * @file Live captions cut the microphone's audio into utterances as it arrives: a voice detector's
 * per-frame speech probability goes in, frame by frame, and an utterance comes out once its speaker
 * has paused long enough, or once it has run as long as live use allows. The rules are those of
 * regions.ts (hysteresis, a minimum length, a little padding) with a short pause, so that text
 * follows a sentence within about a second.
 */
import { SAMPLE_RATE } from '../../core/audio';

export interface LiveRules {
	/** A frame at or above this probability is speech. */
	threshold: number;
	/** Speech pauses on frames below this. */
	negativeThreshold: number;
	/** A pause this long ends the utterance. */
	endSilenceSeconds: number;
	/** Shorter bursts are dropped (a click, a cough). */
	minSpeechSeconds: number;
	/** Kept on each side of the speech: Whisper hears a word better with a little of the pause. */
	padSeconds: number;
	/** Cut here even without a pause: the caption should not wait for a long monologue. */
	maxUtteranceSeconds: number;
}

export const DEFAULT_LIVE_RULES: Readonly<LiveRules> = Object.freeze({
	threshold: 0.5,
	negativeThreshold: 0.35,
	endSilenceSeconds: 0.6,
	minSpeechSeconds: 0.25,
	padSeconds: 0.2,
	maxUtteranceSeconds: 15
});

/** An utterance, in samples of the recording: [start, end), and where its speech stopped. */
export interface Utterance {
	start: number;
	end: number;
	/** The end of its last speech frame (before the pause and padding): what the delay is measured from. */
	speechEnd: number;
}

export class UtteranceCutter {
	readonly #frameSamples: number;
	readonly #rules: LiveRules;
	#frame = 0;
	/** Where the current speech began, or −1 between utterances. */
	#speechStart = -1;
	#speechEnd = 0;
	/** The end of the last utterance given out: the next one's padding never reaches back past it. */
	#lastEnd = 0;

	constructor(frameSamples: number, rules: LiveRules = DEFAULT_LIVE_RULES) {
		this.#frameSamples = frameSamples;
		this.#rules = rules;
	}

	/** Where the utterance under way began (with its padding), or null while nobody speaks. */
	get current(): { start: number; end: number } | null {
		return this.#speechStart < 0 ? null : { start: this.#padStart(this.#speechStart), end: this.#frame * this.#frameSamples };
	}

	/** The next frame's speech probability; an utterance when this frame ends one. */
	push(probability: number): Utterance | null {
		const start = this.#frame * this.#frameSamples;
		const end = start + this.#frameSamples;
		this.#frame++;
		const { threshold, negativeThreshold, endSilenceSeconds, maxUtteranceSeconds } = this.#rules;
		if (probability >= threshold) {
			if (this.#speechStart < 0) this.#speechStart = start;
			this.#speechEnd = end;
		} else if (this.#speechStart >= 0 && probability < negativeThreshold && end - this.#speechEnd >= endSilenceSeconds * SAMPLE_RATE) {
			return this.#cut(Math.min(end, this.#speechEnd + this.#rules.padSeconds * SAMPLE_RATE));
		}
		if (this.#speechStart >= 0 && end - this.#padStart(this.#speechStart) >= maxUtteranceSeconds * SAMPLE_RATE) {
			// A long stretch without a pause: cut here, and the speech goes on in a new utterance.
			const utterance = this.#cut(end, end);
			this.#speechStart = end;
			this.#speechEnd = end;
			return utterance;
		}
		return null;
	}

	/** At the end of the recording: the utterance under way, if it is long enough. */
	flush(): Utterance | null {
		return this.#speechStart < 0
			? null
			: this.#cut(Math.min(this.#frame * this.#frameSamples, this.#speechEnd + this.#rules.padSeconds * SAMPLE_RATE));
	}

	#cut(end: number, speechEnd = this.#speechEnd): Utterance | null {
		const start = this.#padStart(this.#speechStart);
		const long = this.#speechEnd - this.#speechStart >= this.#rules.minSpeechSeconds * SAMPLE_RATE;
		this.#speechStart = -1;
		if (!long) return null;
		this.#lastEnd = end;
		return { start, end, speechEnd };
	}

	#padStart(speechStart: number): number {
		return Math.max(this.#lastEnd, speechStart - this.#rules.padSeconds * SAMPLE_RATE);
	}
}
