/**
 * @file The logit rules Whisper decoding applies before picking each token, as openai/whisper
 * `decoding.py` does (SuppressBlank, SuppressTokens, ApplyTimestampRules): pure functions that
 * edit one row of logits in place, plus the log-sum-exp and ranking helpers the search needs.
 */
import type { SpecialTokens } from './tokens';

/** Where this row stands: `sampled` are the tokens generated after the prompt so far. */
export interface RuleContext {
	tokens: SpecialTokens;
	sampled: readonly number[];
	/** false when the prompt ends with `<|notimestamps|>`. */
	timestamps: boolean;
}

/** Suppresses the never-allowed ids, and a blank or end-of-text as the very first token. */
export function suppressTokens(logits: Float32Array, { tokens, sampled }: RuleContext): void {
	for (const id of tokens.suppress) if (id < logits.length) logits[id] = -Infinity;
	if (sampled.length === 0) for (const id of tokens.beginSuppress) if (id < logits.length) logits[id] = -Infinity;
}

/**
 * Keeps timestamps well formed: they come in pairs (a segment's end, then the next one's start)
 * except at the very end, never go backwards, and a segment is never empty. The first token must
 * be a timestamp no later than max_initial_timestamp. When timestamps together are likelier
 * than any single text token, a timestamp must come next.
 *
 * Returns log(sum(exp(logits))) of the edited row, which this rule has to compute anyway: the
 * caller's log-probabilities are `logits[i] - that`, with no second pass over the vocabulary
 * (each pass is some 50 000 exponentials per decoder step). Without timestamps it returns
 * undefined.
 */
export function applyTimestampRules(logits: Float32Array, { tokens, sampled, timestamps }: RuleContext): number | undefined {
	const { timestampBegin, eot, noTimestamps } = tokens;
	logits[noTimestamps] = -Infinity;
	if (!timestamps) {
		logits.fill(-Infinity, timestampBegin);
		return undefined;
	}
	const n = sampled.length;
	const lastWasTimestamp = n >= 1 && sampled[n - 1]! >= timestampBegin;
	const penultimateWasTimestamp = n < 2 || sampled[n - 2]! >= timestampBegin;
	if (lastWasTimestamp) {
		if (penultimateWasTimestamp) logits.fill(-Infinity, timestampBegin);
		else logits.fill(-Infinity, 0, eot);
	}
	let lastTimestamp = -1;
	for (let i = n - 1; i >= 0; i--) {
		if (sampled[i]! >= timestampBegin) {
			lastTimestamp = sampled[i]!;
			break;
		}
	}
	if (lastTimestamp >= 0) {
		// A closing timestamp may equal the opening one's value only when it closes a segment.
		const floor = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
		logits.fill(-Infinity, timestampBegin, Math.min(floor, logits.length));
	}
	if (n === 0) {
		logits.fill(-Infinity, 0, timestampBegin);
		const lastAllowed = timestampBegin + tokens.maxInitialTimestampIndex;
		if (lastAllowed + 1 < logits.length) logits.fill(-Infinity, lastAllowed + 1);
	}
	// Compared as log-probabilities in openai's code; both sides share the same normaliser.
	const timestampMass = logSumExp(logits, timestampBegin, logits.length);
	let maxText = -Infinity;
	for (let i = 0; i < timestampBegin; i++) if (logits[i]! > maxText) maxText = logits[i]!;
	if (timestampMass > maxText) {
		logits.fill(-Infinity, 0, timestampBegin);
		return timestampMass;
	}
	return logSumExp(logits);
}

/** All rules, in openai's order. Returns log(sum(exp(logits))) of the edited row. */
export function applyRules(logits: Float32Array, context: RuleContext): number {
	suppressTokens(logits, context);
	return applyTimestampRules(logits, context) ?? logSumExp(logits);
}

export function logSumExp(values: ArrayLike<number>, from = 0, to = values.length): number {
	let max = -Infinity;
	for (let i = from; i < to; i++) if (values[i]! > max) max = values[i]!;
	if (max === -Infinity) return -Infinity;
	let sum = 0;
	for (let i = from; i < to; i++) sum += Math.exp(values[i]! - max);
	return max + Math.log(sum);
}

export function argmax(values: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
	return best;
}

/** The `k` largest entries, best first (k is small: beam size + 1). */
export function topK(values: ArrayLike<number>, k: number): number[] {
	const best: number[] = [];
	for (let i = 0; i < values.length; i++) {
		const v = values[i]!;
		if (v === -Infinity || (best.length === k && v <= values[best[k - 1]!]!)) continue;
		let at = best.length;
		while (at > 0 && values[best[at - 1]!]! < v) at--;
		best.splice(at, 0, i);
		if (best.length > k) best.pop();
	}
	return best;
}

/**
 * A seeded generator of numbers in [0, 1) (mulberry32). The seek loop seeds one per window from
 * its position, so sampling at a fallback temperature draws the same tokens on every run: the
 * same file gives the same transcript, in the page and on the server.
 */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Draws an index from softmax(logits / temperature). */
export function sample(logits: ArrayLike<number>, temperature: number, random: () => number = Math.random): number {
	let max = -Infinity;
	for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
	const weights = new Float64Array(logits.length);
	let total = 0;
	for (let i = 0; i < logits.length; i++) {
		const w = logits[i]! === -Infinity ? 0 : Math.exp((logits[i]! - max) / temperature);
		weights[i] = w;
		total += w;
	}
	let r = random() * total;
	for (let i = 0; i < weights.length; i++) {
		r -= weights[i]!;
		if (r <= 0 && weights[i]! > 0) return i;
	}
	return argmax(logits);
}
