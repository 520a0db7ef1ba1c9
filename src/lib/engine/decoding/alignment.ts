/**
 * @file Word timestamps from cross-attention, as openai/whisper `timing.py` computes them: the
 * alignment heads' attention over the audio frames, normalised and median-filtered, aligned to
 * the tokens by dynamic time warping; tokens grouped into words, punctuation merged into its
 * neighbour. Pure functions; `wordTimings` runs the one extra decoder pass.
 */
import { UNSPACED_LANGUAGES } from '../../core/languages';
import type { EncodedWindow, WhisperRuntime } from './runtime';
import { TIME_PRECISION, type SpecialTokens } from './tokens';

export interface WordTiming {
	word: string;
	tokens: number[];
	/** Seconds from the start of the window. */
	start: number;
	end: number;
	probability: number;
}

export const PREPEND_PUNCTUATIONS = '"\'“¿([{-';
export const APPEND_PUNCTUATIONS = '"\'.。,，!！?？:：”)]}、';

/** Median over a sliding window along one row, reflecting at the edges (scipy's mode 'reflect'). */
export function medianFilter(row: Float32Array, width: number): Float32Array {
	const half = Math.floor(width / 2);
	const n = row.length;
	if (n <= half) return row.slice();
	const padded = new Float32Array(n + 2 * half);
	padded.set(row, half);
	for (let k = 1; k <= half; k++) {
		padded[half - k] = row[k - 1]!;
		padded[half + n - 1 + k] = row[n - k]!;
	}
	// The window kept sorted as it slides: one value leaves and one enters per step. A window's
	// rows hold about a million values (heads × tokens × frames), so nothing is allocated per value.
	const sorted = padded.slice(0, width).sort();
	const out = new Float32Array(n);
	out[0] = sorted[half]!;
	for (let i = 1; i < n; i++) {
		const leaving = padded[i - 1]!;
		const entering = padded[i - 1 + width]!;
		let at = 0;
		while (at < width - 1 && sorted[at] !== leaving) at++;
		// Shift the leaving value's neighbours over its slot until the entering value fits.
		for (; at > 0 && sorted[at - 1]! > entering; at--) sorted[at] = sorted[at - 1]!;
		for (; at < width - 1 && sorted[at + 1]! < entering; at++) sorted[at] = sorted[at + 1]!;
		sorted[at] = entering;
		out[i] = sorted[half]!;
	}
	return out;
}

/** Dynamic time warping over a cost matrix (rows × cols); returns the path's row and column indices. */
export function dtw(cost: Float32Array, rows: number, cols: number): { textIndices: number[]; timeIndices: number[] } {
	const w = cols + 1;
	const total = new Float64Array((rows + 1) * w).fill(Infinity);
	const trace = new Int8Array((rows + 1) * w).fill(-1);
	total[0] = 0;
	for (let j = 1; j <= cols; j++) {
		for (let i = 1; i <= rows; i++) {
			const c0 = total[(i - 1) * w + j - 1]!;
			const c1 = total[(i - 1) * w + j]!;
			const c2 = total[i * w + j - 1]!;
			let c: number;
			let t: number;
			if (c0 < c1 && c0 < c2) [c, t] = [c0, 0];
			else if (c1 < c0 && c1 < c2) [c, t] = [c1, 1];
			else [c, t] = [c2, 2];
			total[i * w + j] = cost[(i - 1) * cols + j - 1]! + c;
			trace[i * w + j] = t;
		}
	}
	for (let j = 0; j <= cols; j++) trace[j] = 2;
	for (let i = 0; i <= rows; i++) trace[i * w] = 1;
	const textIndices: number[] = [];
	const timeIndices: number[] = [];
	let i = rows;
	let j = cols;
	while (i > 0 || j > 0) {
		textIndices.push(i - 1);
		timeIndices.push(j - 1);
		const t = trace[i * w + j];
		if (t === 0) [i, j] = [i - 1, j - 1];
		else if (t === 1) i -= 1;
		else j -= 1;
	}
	return { textIndices: textIndices.reverse(), timeIndices: timeIndices.reverse() };
}

/**
 * Groups tokens into words. Spaced languages start a word at a leading space or punctuation;
 * unspaced ones split wherever a whole character is complete (openai `split_to_word_tokens`).
 */
export function splitWords(
	tokens: readonly number[],
	eot: number,
	decode: (ids: number[]) => string,
	language: string | null
): Array<{ word: string; tokens: number[] }> {
	const pieces = splitOnUnicode(tokens, decode);
	if (language !== null && UNSPACED_LANGUAGES.has(language)) return pieces;
	const words: Array<{ word: string; tokens: number[] }> = [];
	for (const piece of pieces) {
		const special = piece.tokens[0]! >= eot;
		const withSpace = piece.word.startsWith(' ');
		const trimmed = piece.word.trim();
		const punctuation = PUNCTUATION.includes(trimmed);
		if (special || withSpace || punctuation || words.length === 0) words.push({ word: piece.word, tokens: [...piece.tokens] });
		else {
			words.at(-1)!.word += piece.word;
			words.at(-1)!.tokens.push(...piece.tokens);
		}
	}
	return words;
}

/** Python's string.punctuation (openai tests `word.strip() in string.punctuation`, a substring test). */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

function splitOnUnicode(tokens: readonly number[], decode: (ids: number[]) => string): Array<{ word: string; tokens: number[] }> {
	const full = decode([...tokens]);
	const out: Array<{ word: string; tokens: number[] }> = [];
	let current: number[] = [];
	let offset = 0;
	for (const token of tokens) {
		current.push(token);
		const text = decode(current);
		const bad = text.indexOf('\ufffd');
		if (bad < 0 || full[offset + bad] === '\ufffd') {
			out.push({ word: text, tokens: current });
			current = [];
			offset += text.length;
		}
	}
	return out;
}

/** Moves leading punctuation onto the next word and trailing punctuation onto the previous one. */
export function mergePunctuations(alignment: WordTiming[], prepended = PREPEND_PUNCTUATIONS, appended = APPEND_PUNCTUATIONS): void {
	for (let i = alignment.length - 2, j = alignment.length - 1; i >= 0; i--) {
		const previous = alignment[i]!;
		const following = alignment[j]!;
		if (previous.word.startsWith(' ') && previous.word.trim().length > 0 && prepended.includes(previous.word.trim())) {
			following.word = previous.word + following.word;
			following.tokens = [...previous.tokens, ...following.tokens];
			previous.word = '';
			previous.tokens = [];
		} else j = i;
	}
	for (let i = 0, j = 1; j < alignment.length; j++) {
		const previous = alignment[i]!;
		const following = alignment[j]!;
		if (!previous.word.endsWith(' ') && following.word.length > 0 && appended.includes(following.word)) {
			previous.word += following.word;
			previous.tokens = [...previous.tokens, ...following.tokens];
			following.word = '';
			following.tokens = [];
		} else i = j;
	}
}

/**
 * Word timings for the text tokens of one window (times relative to the window start).
 * `tokenProbs` are the decode's per-token probabilities, averaged per word.
 */
export async function wordTimings(
	runtime: WhisperRuntime,
	window: EncodedWindow,
	specials: SpecialTokens,
	sot: readonly number[],
	textTokens: readonly number[],
	tokenProbs: readonly number[],
	windowFrames: number,
	alignmentHeads: ReadonlyArray<readonly [number, number]>,
	decode: (ids: number[]) => string,
	language: string | null
): Promise<WordTiming[]> {
	if (textTokens.length === 0) return [];
	const sequence = [...sot, specials.noTimestamps, ...textTokens, specials.eot];
	const attention = await runtime.crossAttentions(
		window,
		sequence,
		alignmentHeads.map(([layer]) => layer)
	);
	// Rows from the <|notimestamps|> position (it predicts the first text token) up to before eot.
	const frames = Math.min(attention.frames, Math.max(1, Math.floor(windowFrames / 2)));
	const firstRow = sot.length;
	const rows = textTokens.length + 1;
	const all = sequence.length;
	const matrix = new Float32Array(rows * frames);
	for (const [layer, head] of alignmentHeads) {
		const weights = attention.at(layer, head);
		const block = new Float32Array(all * frames);
		for (let r = 0; r < all; r++) block.set(weights.subarray(r * attention.frames, r * attention.frames + frames), r * frames);
		normalizeColumns(block, all, frames);
		for (let r = 0; r < rows; r++) {
			const row = firstRow + r;
			const filtered = medianFilter(block.subarray(row * frames, (row + 1) * frames), runtime.medianFilterWidth);
			for (let f = 0; f < frames; f++) matrix[r * frames + f]! -= filtered[f]! / alignmentHeads.length;
		}
	}
	const { textIndices, timeIndices } = dtw(matrix, rows, frames);
	const jumpTimes: number[] = [];
	for (let k = 0; k < textIndices.length; k++) {
		if (k === 0 || textIndices[k] !== textIndices[k - 1]) jumpTimes.push(timeIndices[k]! * TIME_PRECISION);
	}
	const words = splitWords([...textTokens, specials.eot], specials.eot, decode, language);
	if (words.length <= 1) return [];
	const timings: WordTiming[] = [];
	let boundary = 0;
	for (const { word, tokens } of words.slice(0, -1)) {
		const next = boundary + tokens.length;
		const probs = tokenProbs.slice(boundary, next);
		timings.push({
			word,
			tokens,
			start: jumpTimes[boundary] ?? 0,
			end: jumpTimes[next] ?? jumpTimes.at(-1) ?? 0,
			probability: probs.length > 0 ? probs.reduce((a, b) => a + b, 0) / probs.length : 0
		});
		boundary = next;
	}
	return timings;
}

/** z-scores each frame's column over the token rows (std with the population formula). */
function normalizeColumns(block: Float32Array, rows: number, frames: number): void {
	for (let f = 0; f < frames; f++) {
		let mean = 0;
		for (let r = 0; r < rows; r++) mean += block[r * frames + f]!;
		mean /= rows;
		let variance = 0;
		for (let r = 0; r < rows; r++) variance += (block[r * frames + f]! - mean) ** 2;
		const std = Math.sqrt(variance / rows) || 1;
		for (let r = 0; r < rows; r++) block[r * frames + f] = (block[r * frames + f]! - mean) / std;
	}
}

export interface TimedSegment {
	start: number;
	end: number;
	/** The segment's text tokens (below end-of-text), in order. */
	textTokens: number[];
	words?: Array<{ word: string; start: number; end: number; probability: number }>;
}

/**
 * Hands a window's word timings (window-relative) to its segments, with openai's corrections:
 * words longer than twice the median at sentence ends or after pauses are cut, and a segment's
 * start/end move to its first/last word unless that word is implausibly long. Mutates the
 * segments; returns the new last-speech time.
 */
export function assignWords(segments: TimedSegment[], alignment: WordTiming[], timeOffset: number, lastSpeech: number): number {
	const durations = alignment
		.map((w) => w.end - w.start)
		.filter((d) => d !== 0)
		.sort((a, b) => a - b);
	const median = durations.length === 0 ? 0 : Math.min(0.7, medianOf(durations));
	const maxDuration = median * 2;
	if (durations.length > 0) {
		const sentenceEnd = '.。!！?？';
		for (let i = 1; i < alignment.length; i++) {
			const w = alignment[i]!;
			if (w.end - w.start > maxDuration) {
				if (sentenceEnd.includes(w.word)) w.end = w.start + maxDuration;
				else if (sentenceEnd.includes(alignment[i - 1]!.word)) w.start = w.end - maxDuration;
			}
		}
	}
	mergePunctuations(alignment);
	const round2 = (t: number) => Math.round(t * 100) / 100;
	let index = 0;
	for (const segment of segments) {
		let saved = 0;
		const words: NonNullable<TimedSegment['words']> = [];
		while (index < alignment.length && saved < segment.textTokens.length) {
			const timing = alignment[index]!;
			if (timing.word) {
				words.push({
					word: timing.word,
					start: round2(timeOffset + timing.start),
					end: round2(timeOffset + timing.end),
					probability: timing.probability
				});
			}
			saved += timing.tokens.length;
			index++;
		}
		if (words.length > 0) {
			const first = words[0]!;
			const last = words.at(-1)!;
			if (
				first.end - lastSpeech > median * 4 &&
				(first.end - first.start > maxDuration || (words.length > 1 && words[1]!.end - first.start > maxDuration * 2))
			) {
				if (words.length > 1 && words[1]!.end - words[1]!.start > maxDuration) {
					const boundary = Math.max(words[1]!.end / 2, words[1]!.end - maxDuration);
					first.end = words[1]!.start = boundary;
				}
				first.start = Math.max(0, first.end - maxDuration);
			}
			if (segment.start < first.end && segment.start - 0.5 > first.start)
				first.start = Math.max(0, Math.min(first.end - median, segment.start));
			else segment.start = first.start;
			if (segment.end > last.start && segment.end + 0.5 < last.end) last.end = Math.max(last.start + median, segment.end);
			else segment.end = last.end;
			lastSpeech = segment.end;
		}
		segment.words = words;
	}
	return lastSpeech;
}

function medianOf(sorted: number[]): number {
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
