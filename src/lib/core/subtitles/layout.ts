/**
 * @file Subtitle cues built from word timings, under broadcaster-style limits: characters per line,
 * lines per cue, longest and shortest cue, gap between cues and reading speed. Both the page and
 * the server lay cues out here, so the same transcript gives the same files on either path.
 *
 * Cues split only between words (between characters in Chinese, Japanese and Korean), preferring
 * the end of a sentence, then of a clause, then the longest pause; lines inside a cue are
 * balanced. A cue's times are its first and last word's times: Whisper's segment timestamps are
 * often whole seconds apart from the speech (base: 0.0 → 5.0), word timings are not.
 */
import { resolveOptions, type OptionName, type ResolvedOptions, type TranscribeOptions } from '../options';
import type { Transcript, Word } from '../transcript';
import { isWide, scriptOf, textWidth, type Script } from './width';

/**
 * The limits a user can change (rows of core/options.ts, where each is described); `null` in a
 * field: that limit's default for the script.
 */
export type SubtitleLayout = Pick<ResolvedOptions, (typeof LAYOUT_FIELDS)[number]>;

const LAYOUT_FIELDS = [
	'maxLineWidth',
	'maxLineCount',
	'maxWordsPerLine',
	'maxCueSeconds',
	'minCueSeconds',
	'minGapSeconds',
	'maxCharsPerSecond',
	'highlightWords'
] as const satisfies readonly OptionName[];

export const DEFAULT_LAYOUT: Readonly<SubtitleLayout> = Object.freeze(layoutOf({})!);

/** The layout a request's options ask for; null where they ask for one cue per segment. */
export function layoutOf(options: TranscribeOptions): SubtitleLayout | null {
	const resolved = resolveOptions(options);
	if (resolved.subtitleCues === 'segments') return null;
	return Object.fromEntries(LAYOUT_FIELDS.map((name) => [name, resolved[name]])) as SubtitleLayout;
}

/** Limits that depend on the script, in its own units (see width.ts). */
const SCRIPT_DEFAULTS: Readonly<Record<Script, { lineWidth: number; charsPerSecond: number }>> = Object.freeze({
	// EBU/BBC and Netflix's English guide: 42 characters a line, 17 characters a second.
	latin: { lineWidth: 42, charsPerSecond: 17 },
	// Netflix's Chinese, Japanese and Korean guides: 16 full-width characters a line, about 9 a second.
	cjk: { lineWidth: 16, charsPerSecond: 9 }
});

/** One subtitle on screen. */
export interface Cue {
	start: number;
	end: number;
	/** The text of each line. */
	lines: string[];
	/** Each line's words with their own times (for highlighting and editing); empty when unknown. */
	words: Word[][];
}

/** A pause this long always ends a cue: text should not stay up over silence. */
const LONG_PAUSE_SECONDS = 2;
const SENTENCE_END = /[.!?…。！？]["'”’」』)）]*$/u;
const CLAUSE_END = /[,;:、，；：—–-]["'”’」』)）]*$/u;

/** What ending a cue after a word costs: cheap at a sentence's end, dear mid-phrase; pauses help. */
function breakCost(word: Word, next: Word | undefined): number {
	if (!next) return 0;
	const text = word.word.trim();
	const pause = Math.max(0, next.start - word.end);
	const base = SENTENCE_END.test(text) ? 0 : CLAUSE_END.test(text) ? 2 : 5;
	// A pause weighs heavily: text that shows before its speech starts reads as out of sync.
	return base - Math.min(pause, 1.5) * 4;
}

/** Every cost below is relative to one cue: fewer, fuller cues win unless a break is much better. */
const CUE_COST = 3;
const SHORT_CUE_COST = 4;

interface Limits {
	script: Script;
	lineWidth: number;
	lineCount: number;
	wordsPerLine: number;
	cueSeconds: number;
}

type LineLimits = Pick<Limits, 'script' | 'lineWidth' | 'lineCount' | 'wordsPerLine'>;

/** Widths of runs of words in O(1): prefix sums, less the leading space a line drops. */
function runWidths(words: readonly Word[], script: Script): (from: number, to: number) => number {
	const prefix = [0];
	const lead: number[] = [];
	for (const word of words) {
		prefix.push(prefix.at(-1)! + textWidth(word.word, script));
		lead.push(textWidth(word.word.match(/^\s*/u)![0], script));
	}
	return (from, to) => prefix[to]! - prefix[from]! - lead[from]!;
}

/** Whether the words fill at most `lineCount` lines (greedy filling uses the fewest lines). */
function fitsLines(width: (from: number, to: number) => number, from: number, to: number, limits: LineLimits): boolean {
	let lines = 1;
	for (let start = from, i = from + 1; i < to; i++) {
		if (i + 1 - start > limits.wordsPerLine || width(start, i + 1) > limits.lineWidth) {
			if (++lines > limits.lineCount) return false;
			start = i;
		}
	}
	return true;
}

/**
 * Lines for a cue's words, balanced: the fewest lines that fit, and of those the split whose
 * longest line is shortest (ties: more lines ending on punctuation). A word wider than a line
 * gets a line of its own. null when the words do not fit.
 */
export function breakLines(words: readonly Word[], limits: LineLimits): Word[][] | null {
	const n = words.length;
	const width = runWidths(words, limits.script);
	const fits = (from: number, to: number) => to - from <= limits.wordsPerLine && (to - from === 1 || width(from, to) <= limits.lineWidth);
	const endsPhrase = (i: number) => {
		const text = words[i - 1]!.word.trim();
		return i < n && (SENTENCE_END.test(text) || CLAUSE_END.test(text)) ? 1 : 0;
	};
	for (let count = 1; count <= Math.min(limits.lineCount, n); count++) {
		// best[k][i]: the split of the first i words into k lines with the shortest longest line.
		type Split = { longest: number; ends: number; from: number };
		const best: Array<Array<Split | undefined>> = [[{ longest: 0, ends: 0, from: 0 }]];
		for (let k = 1; k <= count; k++) {
			const row: Array<Split | undefined> = [];
			for (let i = 1; i <= n; i++) {
				for (let from = k - 1; from < i; from++) {
					const before = best[k - 1]![from];
					if (!before || !fits(from, i)) continue;
					const candidate = { longest: Math.max(before.longest, width(from, i)), ends: before.ends + endsPhrase(i), from };
					const current = row[i];
					if (!current || candidate.longest < current.longest || (candidate.longest === current.longest && candidate.ends > current.ends)) {
						row[i] = candidate;
					}
				}
			}
			best.push(row);
		}
		if (!best[count]![n]) continue;
		const lines: Word[][] = [];
		for (let k = count, i = n; k > 0; k--) {
			const { from } = best[k]![i]!;
			lines.unshift(words.slice(from, i));
			i = from;
		}
		return lines;
	}
	return null;
}

/** Words as one line of text: Whisper's words carry their leading space, CJK ones none. */
export function joinWords(words: readonly Word[]): string {
	return words
		.map((word) => word.word)
		.join('')
		.trim();
}

/**
 * The transcript's words, timed: each segment's own words, or, where word timestamps were not
 * computed, its text split at spaces (CJK: characters) with times spread by length. Multi-character
 * CJK words become one word per character, so that a line may break between any two of them.
 */
export function timedWords(transcript: Transcript): Word[] {
	const words: Word[] = [];
	for (const segment of transcript.segments) {
		const own = segment.words?.filter((word) => word.word.trim() !== '');
		const pieces = own && own.length > 0 ? own : spreadText(segment.text, segment.start, segment.end);
		for (const word of pieces) words.push(...splitWide(word));
	}
	return words;
}

/** A segment's text as words, each timed by its share of the characters. */
function spreadText(text: string, start: number, end: number): Word[] {
	const pieces = text.match(/\s*[^\s]+/gu) ?? [];
	const total = pieces.reduce((sum, piece) => sum + piece.trim().length, 0);
	let at = start;
	return pieces.map((piece) => {
		const length = ((end - start) * piece.trim().length) / Math.max(1, total);
		const word = { word: piece, start: at, end: at + length };
		at += length;
		return word;
	});
}

/** A word of several CJK characters as one word per character, times spread evenly. */
function splitWide(word: Word): Word[] {
	const characters = [...word.word.trim()];
	if (characters.length < 2 || !characters.every(isWide)) return [word];
	const step = (word.end - word.start) / characters.length;
	const lead = word.word.match(/^\s*/u)![0];
	return characters.map((character, index) => ({
		word: (index === 0 ? lead : '') + character,
		start: word.start + step * index,
		end: word.start + step * (index + 1),
		...(word.probability !== undefined ? { probability: word.probability } : {})
	}));
}

/** The layout's limits for a transcript's script. */
function limitsFor(layout: SubtitleLayout, script: Script): Limits & { charsPerSecond: number } {
	const defaults = SCRIPT_DEFAULTS[script];
	return {
		script,
		lineWidth: layout.maxLineWidth ?? defaults.lineWidth,
		lineCount: layout.maxLineCount,
		wordsPerLine: layout.maxWordsPerLine ?? Infinity,
		cueSeconds: layout.maxCueSeconds,
		charsPerSecond: layout.maxCharsPerSecond ?? defaults.charsPerSecond
	};
}

/** Cues for a transcript under a layout (unset fields take DEFAULT_LAYOUT's values). */
export function layoutCues(transcript: Transcript, partial: Partial<SubtitleLayout> = {}): Cue[] {
	const layout = { ...DEFAULT_LAYOUT, ...partial };
	const words = timedWords(transcript);
	if (words.length === 0) return [];
	const limits = limitsFor(layout, scriptOf(transcript.language, joinWords(words)));
	const cues = chooseBreaks(words, limits, layout).map((group): Cue => {
		const lines = breakLines(group, limits)!;
		return { start: group[0]!.start, end: group.at(-1)!.end, lines: lines.map(joinWords), words: lines };
	});
	return settleTimes(cues, layout, limits);
}

/**
 * The cheapest way to cut the words into cues that fit (dynamic programming over break points):
 * each cue costs CUE_COST plus its break's cost, and one that cannot stay up for the shortest
 * time before the next begins costs more.
 */
function chooseBreaks(words: readonly Word[], limits: Limits, { minCueSeconds, minGapSeconds }: SubtitleLayout): Word[][] {
	const n = words.length;
	const width = runWidths(words, limits.script);
	const cost = new Float64Array(n + 1).fill(Infinity);
	const from = new Int32Array(n + 1);
	cost[0] = 0;
	for (let end = 1; end <= n; end++) {
		const last = words[end - 1]!;
		const close = CUE_COST + breakCost(last, words[end]);
		for (let start = end - 1; start >= 0; start--) {
			const first = words[start]!;
			// Growing the cue backwards: once one limit is passed, every longer cue passes it too.
			if (start < end - 1) {
				if (words[start + 1]!.start - first.end >= LONG_PAUSE_SECONDS) break;
				if (last.end - first.start > limits.cueSeconds) break;
				if (!fitsLines(width, start, end, limits)) break;
			}
			// Too short only where the next cue's start leaves no room to keep it up longer.
			const room = (words[end]?.start ?? Infinity) - minGapSeconds - first.start;
			const short = room < minCueSeconds ? SHORT_CUE_COST : 0;
			const total = cost[start]! + close + short;
			if (total < cost[end]!) {
				cost[end] = total;
				from[end] = start;
			}
		}
	}
	const groups: Word[][] = [];
	for (let end = n; end > 0; end = from[end]!) groups.unshift(words.slice(from[end]!, end));
	return groups;
}

/**
 * Ends moved for reading: a cue stays up for its shortest time and long enough to be read at the
 * reading speed, where the next cue leaves room (starts never move: they are when speech begins).
 * No two cues overlap, and a gap of at least minGapSeconds separates them where time allows.
 */
function settleTimes(cues: Cue[], layout: SubtitleLayout, limits: { script: Script; charsPerSecond: number }): Cue[] {
	return cues.map((cue, index) => {
		const next = cues[index + 1];
		const characters = textWidth(cue.lines.join(''), limits.script);
		const readable = Math.max(layout.minCueSeconds, characters / limits.charsPerSecond);
		const wanted = Math.max(cue.end, Math.min(cue.start + readable, cue.start + layout.maxCueSeconds));
		let end = Math.min(wanted, next ? next.start - layout.minGapSeconds : Infinity);
		// Whisper's last word may run into the next cue's first: the end yields to keep the gap,
		// but never so far that the cue is gone before it is seen.
		if (next && end < cue.start + MIN_VISIBLE_SECONDS) end = Math.min(cue.start + MIN_VISIBLE_SECONDS, next.start);
		return { ...cue, end: round3(end) };
	});
}

/** Shorter than this a cue is not seen at all (a few frames). */
const MIN_VISIBLE_SECONDS = 0.2;

const round3 = (seconds: number) => Math.round(seconds * 1000) / 1000;
