/**
 * @file Hand edits of a transcript in the review view, as pure functions: a line's text, split a
 * line at a point, merge it with the next, shift every time, nudge one line's start or end, find
 * and replace. Words that an edit leaves as they were keep their timings; words it changes take
 * the time of what they replace. Every edit returns a new transcript, numbered and joined again.
 */
import { UNSPACED_LANGUAGES } from './languages';
import type { Segment, Transcript, Word } from './transcript';

/** The transcript with its segments numbered in order and its text joined from them. */
function rebuilt(transcript: Transcript, segments: Segment[]): Transcript {
	const numbered = segments.map((segment, id) => (segment.id === id ? segment : { ...segment, id }));
	return { ...transcript, segments: numbered, text: numbered.map((segment) => segment.text).join('') };
}

/**
 * Chinese, Japanese, Thai, Lao, Burmese and Cantonese put no spaces between words: Whisper writes
 * their lines without a leading space, and times them by the character or token.
 */
const isUnspaced = (transcript: Transcript) => transcript.language !== null && UNSPACED_LANGUAGES.has(transcript.language);

/** Text as Whisper writes it: single spaces, and one leading space in a spaced language. */
const asSegmentText = (text: string, unspaced: boolean) => `${unspaced ? '' : ' '}${text.replace(/\s+/g, ' ').trim()}`;

/**
 * The units a text is timed and split by, each with the spaces before it: words where words are
 * spaced (as Whisper's words are), single characters where they are not.
 */
const unitsOf = (text: string, unspaced: boolean) => text.match(unspaced ? /\s*\S/gu : /\s*\S+/gu) ?? [];

/** Words cut into single characters, each with an even share of its word's time. */
function byCharacter(words: readonly Word[]): Word[] {
	return words.flatMap((word) => {
		const characters = unitsOf(word.word, true);
		const step = (word.end - word.start) / Math.max(1, characters.length);
		return characters.map((character, i) => ({
			...word,
			word: character,
			start: round2(word.start + step * i),
			end: round2(word.start + step * (i + 1))
		}));
	});
}

/**
 * Word timings for a segment's new text: words found unchanged, in order (a longest common
 * subsequence), keep their times; the words between two kept ones share the time between them.
 * In an unspaced language the units are characters (a word's time shared among its characters).
 */
export function retimeWords(words: readonly Word[], text: string, span: { start: number; end: number }, unspaced = false): Word[] {
	const next = unitsOf(text, unspaced);
	if (unspaced) words = byCharacter(words);
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

function withText(segment: Segment, text: string, unspaced: boolean): Segment {
	const segmentText = asSegmentText(text, unspaced);
	const { words, ...rest } = segment;
	return words ? { ...rest, text: segmentText, words: retimeWords(words, segmentText, segment, unspaced) } : { ...rest, text: segmentText };
}

/** A line's text replaced; unchanged words keep their timings. */
export function editSegmentText(transcript: Transcript, segmentId: number, text: string): Transcript {
	const unspaced = isUnspaced(transcript);
	return rebuilt(
		transcript,
		transcript.segments.map((segment) =>
			segment.id !== segmentId || segment.text.trim() === text.replace(/\s+/g, ' ').trim() ? segment : withText(segment, text, unspaced)
		)
	);
}

/**
 * A line split in two at a character of its trimmed text, moved to the nearest boundary between
 * its words (in an unspaced language, between its timed words, or any two characters where it has
 * no word timings): with word timings, at the first word's start; without, at the share of the
 * characters.
 */
export function splitSegment(transcript: Transcript, segmentId: number, at: number): Transcript {
	const index = transcript.segments.findIndex((segment) => segment.id === segmentId);
	const segment = transcript.segments[index];
	if (!segment) return transcript;
	const unspaced = isUnspaced(transcript);
	const text = segment.text.trim();
	const { words, tokens: _tokens, ...rest } = segment; // the tokens no longer describe either half
	const spelled = words?.length && spelledBy(words) === text ? words : undefined;
	const units = spelled?.map((word) => word.word) ?? unitsOf(text, unspaced);
	// A spaced line's word timings still fit its words when only their spelling changed.
	const timed = spelled ?? (words && !unspaced && words.length === units.length ? words : undefined);
	const starts = unitStarts(units);
	let cut = -1;
	for (let i = 1; i < units.length; i++) {
		const inside = starts[i]! > 0 && starts[i]! < text.length;
		if (inside && (cut < 0 || Math.abs(starts[i]! - at) < Math.abs(starts[cut]! - at))) cut = i;
	}
	if (cut < 0) return transcript;
	const [head, tail] = [text.slice(0, starts[cut]), text.slice(starts[cut])];
	let first: Segment;
	let second: Segment;
	if (timed) {
		first = { ...rest, end: timed[cut - 1]!.end, text: asSegmentText(head, unspaced), words: timed.slice(0, cut) };
		second = { ...rest, start: timed[cut]!.start, text: asSegmentText(tail, unspaced), words: timed.slice(cut) };
	} else {
		const middle = round2(segment.start + ((segment.end - segment.start) * starts[cut]!) / text.length);
		first = { ...rest, end: middle, text: asSegmentText(head, unspaced) };
		second = { ...rest, start: middle, text: asSegmentText(tail, unspaced) };
	}
	const segments = [...transcript.segments];
	segments.splice(index, 1, first, second);
	return rebuilt(transcript, segments);
}

/** The text a line's words spell, trimmed. */
const spelledBy = (words: readonly Word[]) =>
	words
		.map((word) => word.word)
		.join('')
		.trim();

/** Where each unit starts in the trimmed text the units spell (the first unit's own leading spaces not counted). */
function unitStarts(units: readonly string[]): number[] {
	const lead = (units[0] ?? '').length - (units[0] ?? '').trimStart().length;
	const starts: number[] = [];
	let offset = -lead;
	for (const unit of units) {
		starts.push(Math.max(0, offset));
		offset += unit.length;
	}
	return starts;
}

/** A line joined with the one after it. */
export function mergeWithNext(transcript: Transcript, segmentId: number): Transcript {
	const index = transcript.segments.findIndex((segment) => segment.id === segmentId);
	const segment = transcript.segments[index];
	const next = transcript.segments[index + 1];
	if (!segment || !next) return transcript;
	const { tokens: _a, ...rest } = segment;
	const unspaced = isUnspaced(transcript);
	const joined = unspaced ? `${segment.text.trim()}${next.text.trim()}` : `${segment.text} ${next.text}`;
	const merged: Segment = { ...rest, end: next.end, text: asSegmentText(joined, unspaced) };
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
