/**
 * @file Hand edits of a transcript in the review view, as pure functions: a line's text, split a
 * line at a point, merge it with the next, shift every time, nudge one line's start or end, find
 * and replace. Words that an edit leaves as they were keep their timings; words it changes take
 * the time of what they replace. Every edit returns a new transcript, numbered and joined again.
 */
import type { Segment, Transcript, Word } from './transcript';

/** The transcript with its segments numbered in order and its text joined from them. */
function rebuilt(transcript: Transcript, segments: Segment[]): Transcript {
	const numbered = segments.map((segment, id) => (segment.id === id ? segment : { ...segment, id }));
	return { ...transcript, segments: numbered, text: numbered.map((segment) => segment.text).join('') };
}

/** Text as Whisper writes it: one leading space, single spaces between words. */
const asSegmentText = (text: string) => ` ${text.replace(/\s+/g, ' ').trim()}`;

/** The words of a text, each with its leading space, as Whisper's words are. */
const splitWords = (text: string) => text.match(/\s*\S+/gu) ?? [];

/**
 * Word timings for a segment's new text: words found unchanged, in order (a longest common
 * subsequence), keep their times; the words between two kept ones share the time between them.
 */
export function retimeWords(words: readonly Word[], text: string, span: { start: number; end: number }): Word[] {
	const next = splitWords(text);
	const old = words.map((word) => word.word.trim());
	const fresh = next.map((word) => word.trim());
	// lcs[i][j]: the longest common run of old[i..] and fresh[j..].
	const lcs = Array.from({ length: old.length + 1 }, () => new Int32Array(fresh.length + 1));
	for (let i = old.length - 1; i >= 0; i--)
		for (let j = fresh.length - 1; j >= 0; j--)
			lcs[i]![j] = old[i] === fresh[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
	const kept = new Map<number, Word>();
	for (let i = 0, j = 0; i < old.length && j < fresh.length;) {
		if (old[i] === fresh[j]) kept.set(j++, words[i++]!);
		else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
		else j++;
	}
	const out: Word[] = [];
	for (let j = 0; j < next.length;) {
		const same = kept.get(j);
		if (same) {
			out.push({ ...same, word: next[j]! });
			j++;
			continue;
		}
		// A run of new words: from the end of the kept word before to the start of the kept word after.
		let end = j;
		while (end < next.length && !kept.has(end)) end++;
		const from = out.at(-1)?.end ?? span.start;
		const to = kept.get(end)?.start ?? span.end;
		const step = Math.max(0, to - from) / (end - j);
		for (let k = j; k < end; k++)
			out.push({ word: next[k]!, start: round2(from + step * (k - j)), end: round2(from + step * (k - j + 1)) });
		j = end;
	}
	return out;
}

const round2 = (seconds: number) => Math.round(seconds * 100) / 100;

function withText(segment: Segment, text: string): Segment {
	const segmentText = asSegmentText(text);
	const { words, ...rest } = segment;
	return words ? { ...rest, text: segmentText, words: retimeWords(words, segmentText, segment) } : { ...rest, text: segmentText };
}

/** A line's text replaced; unchanged words keep their timings. */
export function editSegmentText(transcript: Transcript, segmentId: number, text: string): Transcript {
	return rebuilt(
		transcript,
		transcript.segments.map((segment) =>
			segment.id !== segmentId || segment.text.trim() === text.replace(/\s+/g, ' ').trim() ? segment : withText(segment, text)
		)
	);
}

/**
 * A line split in two at a character of its trimmed text (moved to the nearest word boundary):
 * with word timings, at the first word's start; without, at the share of the characters.
 */
export function splitSegment(transcript: Transcript, segmentId: number, at: number): Transcript {
	const index = transcript.segments.findIndex((segment) => segment.id === segmentId);
	const segment = transcript.segments[index];
	if (!segment) return transcript;
	const text = segment.text.trim();
	const boundary = nearestBoundary(text, at);
	if (boundary <= 0 || boundary >= text.length) return transcript;
	const [head, tail] = [text.slice(0, boundary), text.slice(boundary)];
	const headCount = splitWords(head).length;
	let middle: number;
	let first: Segment;
	let second: Segment;
	const { words, tokens: _tokens, ...rest } = segment; // the tokens no longer describe either half
	if (words && words.length === splitWords(text).length) {
		middle = words[headCount]!.start;
		first = { ...rest, end: words[headCount - 1]!.end, text: asSegmentText(head), words: words.slice(0, headCount) };
		second = { ...rest, start: middle, text: asSegmentText(tail), words: words.slice(headCount) };
	} else {
		middle = round2(segment.start + ((segment.end - segment.start) * boundary) / text.length);
		first = { ...rest, end: middle, text: asSegmentText(head) };
		second = { ...rest, start: middle, text: asSegmentText(tail) };
	}
	const segments = [...transcript.segments];
	segments.splice(index, 1, first, second);
	return rebuilt(transcript, segments);
}

/** The word boundary (a space) nearest to a character offset. */
function nearestBoundary(text: string, at: number): number {
	let best = -1;
	for (let i = 0; i < text.length; i++) if (/\s/u.test(text[i]!) && (best < 0 || Math.abs(i - at) < Math.abs(best - at))) best = i;
	return best;
}

/** A line joined with the one after it. */
export function mergeWithNext(transcript: Transcript, segmentId: number): Transcript {
	const index = transcript.segments.findIndex((segment) => segment.id === segmentId);
	const segment = transcript.segments[index];
	const next = transcript.segments[index + 1];
	if (!segment || !next) return transcript;
	const { tokens: _a, ...rest } = segment;
	const merged: Segment = { ...rest, end: next.end, text: asSegmentText(`${segment.text} ${next.text}`) };
	if (segment.words && next.words) merged.words = [...segment.words, ...next.words];
	else delete merged.words;
	const segments = [...transcript.segments];
	segments.splice(index, 2, merged);
	return rebuilt(transcript, segments);
}

/** Every time moved by `seconds` (the most common timing fix: subtitles early or late throughout); none before 0. */
export function shiftTimes(transcript: Transcript, seconds: number): Transcript {
	const move = (time: number) => Math.max(0, round3(time + seconds));
	return rebuilt(
		transcript,
		transcript.segments.map((segment) => ({
			...segment,
			start: move(segment.start),
			end: move(segment.end),
			...(segment.words ? { words: segment.words.map((word) => ({ ...word, start: move(word.start), end: move(word.end) })) } : {})
		}))
	);
}

const round3 = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** One line's start or end moved by `seconds`, kept after the line before, before the line after, and longer than 0.1 s. */
export function nudgeSegment(transcript: Transcript, segmentId: number, edge: 'start' | 'end', seconds: number): Transcript {
	const index = transcript.segments.findIndex((segment) => segment.id === segmentId);
	const segment = transcript.segments[index];
	if (!segment) return transcript;
	const previousEnd = transcript.segments[index - 1]?.end ?? 0;
	const nextStart = transcript.segments[index + 1]?.start ?? transcript.duration;
	const moved =
		edge === 'start'
			? { start: clamp(round3(segment.start + seconds), previousEnd, segment.end - 0.1) }
			: { end: clamp(round3(segment.end + seconds), segment.start + 0.1, Math.max(nextStart, segment.end)) };
	const segments = [...transcript.segments];
	segments[index] = { ...segment, ...moved };
	return rebuilt(transcript, segments);
}

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high);

export interface ReplaceOptions {
	wholeWords: boolean;
	matchCase: boolean;
}

/** Every match of `find` replaced in every line; returns the transcript and how many were replaced. */
export function replaceText(
	transcript: Transcript,
	find: string,
	replacement: string,
	{ wholeWords, matchCase }: ReplaceOptions
): { transcript: Transcript; count: number } {
	if (!find) return { transcript, count: 0 };
	const escaped = find.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	// \b does not know letters beyond ASCII: a whole word is one not touched by a letter or digit.
	const pattern = new RegExp(wholeWords ? `(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])` : escaped, `gu${matchCase ? '' : 'i'}`);
	let count = 0;
	let result = transcript;
	for (const segment of transcript.segments) {
		const text = segment.text.trim();
		const replaced = text.replace(pattern, () => {
			count++;
			return replacement;
		});
		if (replaced !== text) result = editSegmentText(result, segment.id, replaced);
	}
	return { transcript: result, count };
}
