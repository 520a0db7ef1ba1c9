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

/**
 * What the rules read of a row's sampled tokens: how many, the last two (-1 where absent) and
 * the last timestamp token (-1: none yet). Beam search keeps these in typed arrays per beam, so
 * a step needs neither the token lists nor a scan back through them.
 */
export interface RowHistory {
	count: number;
	last: number;
	penultimate: number;
	lastTimestamp: number;
}

export function historyOf(sampled: readonly number[], timestampBegin: number): RowHistory {
	let lastTimestamp = -1;
	for (let i = sampled.length - 1; i >= 0; i--) {
		if (sampled[i]! >= timestampBegin) {
			lastTimestamp = sampled[i]!;
			break;
		}
	}
	return { count: sampled.length, last: sampled.at(-1) ?? -1, penultimate: sampled.at(-2) ?? -1, lastTimestamp };
}

/** Suppresses the never-allowed ids, and a blank or end-of-text as the very first token. */
export function suppressTokens(logits: Float32Array, { tokens, sampled }: RuleContext): void {
	suppressAt(logits, tokens, sampled.length);
}

function suppressAt(logits: Float32Array, tokens: SpecialTokens, count: number): void {
	for (const id of tokens.suppress) if (id < logits.length) logits[id] = -Infinity;
	if (count === 0) for (const id of tokens.beginSuppress) if (id < logits.length) logits[id] = -Infinity;
}

/**
 * Keeps timestamps well formed: they come in pairs (a segment's end, then the next one's start)
 * except at the very end, never go backwards, and a segment is never empty. The first token must
 * be a timestamp no later than max_initial_timestamp. When timestamps together are likelier
 * than any single text token, a timestamp must come next.
 *
 * Returns log(sum(exp(logits))) of the edited row, which this rule has to compute anyway: the
 * caller's log-probabilities are `logits[i] - that`, with no further pass over the vocabulary.
 * Without timestamps it returns undefined.
 */
export function applyTimestampRules(logits: Float32Array, { tokens, sampled, timestamps }: RuleContext): number | undefined {
	return timestampRulesAt(logits, tokens, timestamps, historyOf(sampled, tokens.timestampBegin));
}

function timestampRulesAt(logits: Float32Array, tokens: SpecialTokens, timestamps: boolean, history: RowHistory): number | undefined {
	const { timestampBegin, eot, noTimestamps } = tokens;
	logits[noTimestamps] = -Infinity;
	if (!timestamps) {
		logits.fill(-Infinity, timestampBegin);
		return undefined;
	}
	const { count, last, penultimate, lastTimestamp } = history;
	const lastWasTimestamp = count >= 1 && last >= timestampBegin;
	const penultimateWasTimestamp = count < 2 || penultimate >= timestampBegin;
	if (lastWasTimestamp) {
		if (penultimateWasTimestamp) logits.fill(-Infinity, timestampBegin);
		else logits.fill(-Infinity, 0, eot);
	}
	if (lastTimestamp >= 0) {
		// A closing timestamp may equal the opening one's value only when it closes a segment.
		const floor = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
		logits.fill(-Infinity, timestampBegin, Math.min(floor, logits.length));
	}
	if (count === 0) {
		logits.fill(-Infinity, 0, timestampBegin);
		const lastAllowed = timestampBegin + tokens.maxInitialTimestampIndex;
		if (lastAllowed + 1 < logits.length) logits.fill(-Infinity, lastAllowed + 1);
	}
	// One pass for the maxima of text and timestamps, one for the exponentials of both parts,
	// under one shift: the whole row's normaliser and the timestamps' mass come from the same sums.
	let maxText = -Infinity;
	for (let i = 0; i < timestampBegin; i++) if (logits[i]! > maxText) maxText = logits[i]!;
	let maxTimestamp = -Infinity;
	for (let i = timestampBegin; i < logits.length; i++) if (logits[i]! > maxTimestamp) maxTimestamp = logits[i]!;
	const shift = Math.max(maxText, maxTimestamp);
	if (shift === -Infinity) return -Infinity;
	const timestampSum = sumExp(logits, shift, timestampBegin, logits.length);
	// Compared as log-probabilities in openai's code; both sides share the same normaliser.
	const timestampMass = shift + Math.log(timestampSum);
	if (timestampMass > maxText) {
		logits.fill(-Infinity, 0, timestampBegin);
		return timestampMass;
	}
	// The text's exponentials (the whole vocabulary but 1,501 timestamps) only where text may follow.
	const textSum = sumExp(logits, shift, 0, timestampBegin);
	return shift + Math.log(textSum + timestampSum);
}

/** All rules, in openai's order. Returns log(sum(exp(logits))) of the edited row. */
export function applyRules(logits: Float32Array, context: RuleContext): number {
	return applyRulesAt(logits, context.tokens, context.timestamps, historyOf(context.sampled, context.tokens.timestampBegin));
}

/** applyRules for a row whose history is already known (beam search's typed arrays). */
export function applyRulesAt(logits: Float32Array, tokens: SpecialTokens, timestamps: boolean, history: RowHistory): number {
	suppressAt(logits, tokens, history.count);
	return timestampRulesAt(logits, tokens, timestamps, history) ?? logSumExp(logits);
}

export function logSumExp(values: ArrayLike<number>, from = 0, to = values.length): number {
	let max = -Infinity;
	for (let i = from; i < to; i++) if (values[i]! > max) max = values[i]!;
	if (max === -Infinity) return -Infinity;
	return max + Math.log(sumExp(values, max, from, to));
}

/** Sum of exp(values[i] - shift) over [from, to), shift being at least their maximum. */
function sumExp(values: ArrayLike<number>, shift: number, from: number, to: number): number {
	let sum = 0;
	// A suppressed entry adds exp(-Infinity) = 0: skipping it leaves the sum as it was, bit for bit.
	for (let i = from; i < to; i++) if (values[i]! !== -Infinity) sum += Math.exp(values[i]! - shift);
	return sum;
}

export function argmax(values: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
	return best;
}

/**
 * The `k` largest entries (k is small: beam size + 1), best first, ties in index order, written
 * into `out` from index `at` without allocating (beam search calls it per beam per step);
 * returns how many were found (fewer than k when the rest are -Infinity).
 */
export function topKInto(values: ArrayLike<number>, k: number, out: Int32Array, at: number): number {
	let found = 0;
	// What an entry must beat to get in: -Infinity until k are found, then the k-th best. One
	// comparison for most of a vocabulary, where reading the k-th through `out` cost two loads.
	let floor = -Infinity;
	for (let i = 0; i < values.length; i++) {
		const v = values[i]!;
		if (!(v > floor)) continue;
		let place = found < k ? found++ : k - 1;
		while (place > 0 && values[out[at + place - 1]!]! < v) {
			out[at + place] = out[at + place - 1]!;
			place--;
		}
		out[at + place] = i;
		if (found === k) floor = values[out[at + k - 1]!]!;
	}
	return found;
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

/** sample's weights, one row's worth, kept between draws: allocating them per draw was most of a fallback's garbage. */
let sampleWeights = new Float64Array(0);

/** Draws an index from softmax(logits / temperature). */
export function sample(logits: ArrayLike<number>, temperature: number, random: () => number = Math.random): number {
	let max = -Infinity;
	for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
	// Each weight computed once, for the total and the draw (the draw used to compute them again
	// up to the token drawn: half the row's exponentials on average).
	if (sampleWeights.length < logits.length) sampleWeights = new Float64Array(logits.length);
	const weights = sampleWeights;
	let total = 0;
	for (let i = 0; i < logits.length; i++) {
		const w = logits[i]! === -Infinity ? 0 : Math.exp((logits[i]! - max) / temperature);
		weights[i] = w;
		total += w;
	}
	let r = random() * total;
	for (let i = 0; i < logits.length; i++) {
		const w = weights[i]!;
		if (w === 0) continue;
		r -= w;
		if (r <= 0) return i;
	}
	return argmax(logits);
}
