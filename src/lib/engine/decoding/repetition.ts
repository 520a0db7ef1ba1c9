/**
 * @file Spots a decode that has fallen into a repetition loop while it runs ("the world's fresh,
 * and the world's fresh, and ..."). openai/whisper and faster-whisper let such a decode run to
 * the 224-token limit and only then reject it by its compression ratio; one loop costs a window
 * up to 224 steps at temperature 0 and again for each of the five rows sampled at every hotter
 * temperature. A decode whose tokens end in the same stretch repeated `minRepeats` times, over at
 * least `minTokens` tokens, stops there: left to run, a loop goes on to the limit, and copies of
 * one stretch compress to about one copy. window.ts checks that the text continued to the limit
 * fails the compression check, as it does for any loop that starts early.
 */

export interface LoopLimits {
	/** The longest repeated stretch looked for, in tokens (a sentence or two). */
	maxPeriod: number;
	/** Copies of the stretch, counting the first. */
	minRepeats: number;
	/** Tokens the copies must cover together, so that "no, no, no, no" in speech is not a loop. */
	minTokens: number;
}

export const LOOP_LIMITS: Readonly<LoopLimits> = Object.freeze({ maxPeriod: 40, minRepeats: 4, minTokens: 40 });

/**
 * One row's tokens as they come, and for each period p the length of the run of trailing tokens
 * equal to the token p places before them: a run of r means the last r + p tokens are one
 * stretch of p tokens repeated. Timestamp tokens count as one token, since a loop of whole
 * segments repeats its text while its timestamps move on.
 */
export class LoopDetector {
	readonly #tokens: Int32Array;
	readonly #runs: Int32Array;
	readonly #timestampBegin: number;
	readonly #limits: LoopLimits;
	#count = 0;

	constructor(capacity: number, timestampBegin: number, limits: LoopLimits = LOOP_LIMITS) {
		this.#tokens = new Int32Array(capacity);
		this.#runs = new Int32Array(limits.maxPeriod + 1);
		this.#timestampBegin = timestampBegin;
		this.#limits = limits;
	}

	/** Adds the next token; returns the loop's period in tokens when the tokens so far end in one, else 0. */
	push(token: number): number {
		const { maxPeriod, minRepeats, minTokens } = this.#limits;
		const value = token >= this.#timestampBegin ? this.#timestampBegin : token;
		const n = this.#count++;
		this.#tokens[n] = value;
		let period = 0;
		for (let p = 1; p <= maxPeriod && p <= n; p++) {
			const run = this.#tokens[n - p] === value ? this.#runs[p]! + 1 : 0;
			this.#runs[p] = run;
			const span = run + p;
			if (period === 0 && run > 0 && span >= minTokens && span >= minRepeats * p) period = p;
		}
		return period;
	}
}

/** The tokens a loop would have reached: `tokens`, then its last `period` tokens over and over, `length` in all. */
export function continueLoop(tokens: readonly number[], period: number, length: number): number[] {
	const out = tokens.slice(0, length);
	for (let i = out.length; i < length; i++) out.push(out[i - period]!);
	return out;
}
