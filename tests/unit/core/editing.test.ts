/** @file The review view's edits: text, split, merge, shift, nudge, find and replace; word timings kept where words did not change. */
import { describe, expect, it } from 'vitest';
import { editSegmentText, mergeWithNext, nudgeSegment, replaceText, retimeWords, shiftTimes, splitSegment } from '$lib/core/editing';
import { makeTranscript, type Word } from '$lib/core/transcript';

const words = (...timed: Array<[string, number, number]>): Word[] => timed.map(([word, start, end]) => ({ word, start, end }));

const transcript = makeTranscript(
	[
		{
			start: 0,
			end: 3,
			text: ' One two three.',
			tokens: [1, 2, 3],
			words: words([' One', 0, 1], [' two', 1, 2], [' three.', 2, 3])
		},
		{ start: 4, end: 6, text: ' Four five.', words: words([' Four', 4, 5], [' five.', 5, 6]) },
		{ start: 7, end: 9, text: ' Six.' }
	],
	'en',
	10
);

describe('editing a line', () => {
	it('keeps the timings of the words that did not change; new words share the time of what they replace', () => {
		const edited = editSegmentText(transcript, 0, '  One  2 three. ');
		expect(edited.segments[0]!.text).toBe(' One 2 three.');
		expect(edited.segments[0]!.words).toEqual(words([' One', 0, 1], [' 2', 1, 2], [' three.', 2, 3]));
		expect(edited.text).toBe(' One 2 three. Four five. Six.');
		expect(transcript.segments[0]!.text).toBe(' One two three.'); // the original is untouched
		expect(editSegmentText(transcript, 0, 'One two three.').segments[0]).toBe(transcript.segments[0]);
	});

	it('times inserted and removed words inside their neighbours', () => {
		expect(retimeWords(words([' a', 0, 1], [' b', 1, 2]), ' a x y b', { start: 0, end: 2 })).toEqual(
			words([' a', 0, 1], [' x', 1, 1], [' y', 1, 1], [' b', 1, 2])
		);
		expect(retimeWords(words([' a', 0, 1], [' b', 1, 2], [' c', 2, 3]), ' a c', { start: 0, end: 3 })).toEqual(
			words([' a', 0, 1], [' c', 2, 3])
		);
		expect(retimeWords(words([' a', 0, 1]), ' new words', { start: 0, end: 2 })).toEqual(words([' new', 0, 1], [' words', 1, 2]));
	});
});

describe('split and merge', () => {
	it('splits at the word boundary nearest the cursor, at the next word’s start', () => {
		const split = splitSegment(transcript, 0, 5); // "One t|wo three."
		expect(split.segments.map((s) => [s.id, s.start, s.end, s.text])).toEqual([
			[0, 0, 1, ' One'],
			[1, 1, 3, ' two three.'],
			[2, 4, 6, ' Four five.'],
			[3, 7, 9, ' Six.']
		]);
		expect(split.segments[1]!.words).toEqual(words([' two', 1, 2], [' three.', 2, 3]));
		expect(split.segments[0]).not.toHaveProperty('tokens');
		expect(splitSegment(transcript, 2, 2)).toBe(transcript); // one word: nothing to split
	});

	it('splits a line without words by its share of characters', () => {
		const plain = makeTranscript([{ start: 0, end: 10, text: ' aaaa bbbbbb' }], 'en', 10);
		expect(splitSegment(plain, 0, 4).segments.map((s) => [s.start, s.end, s.text])).toEqual([
			[0, 3.64, ' aaaa'],
			[3.64, 10, ' bbbbbb']
		]);
	});

	it('merges a line with the next, words and all, and undoes a split', () => {
		const merged = mergeWithNext(transcript, 0);
		expect(merged.segments[0]).toMatchObject({ id: 0, start: 0, end: 6, text: ' One two three. Four five.' });
		expect(merged.segments[0]!.words).toHaveLength(5);
		expect(merged.segments[1]).toMatchObject({ id: 1, text: ' Six.' });
		expect(mergeWithNext(merged, 0).segments[0]).not.toHaveProperty('words'); // the last line has none
		expect(mergeWithNext(transcript, 2)).toBe(transcript);
		const again = mergeWithNext(splitSegment(transcript, 0, 5), 0);
		expect(again.segments[0]!.words).toEqual(transcript.segments[0]!.words);
	});
});

describe('timing', () => {
	it('shifts every time, words too, never before 0', () => {
		const later = shiftTimes(transcript, 1.5);
		expect(later.segments.map((s) => [s.start, s.end])).toEqual([
			[1.5, 4.5],
			[5.5, 7.5],
			[8.5, 10.5]
		]);
		expect(later.segments[1]!.words![0]).toMatchObject({ start: 5.5, end: 6.5 });
		expect(shiftTimes(transcript, -0.5).segments[0]).toMatchObject({ start: 0, end: 2.5 });
	});

	it('nudges one edge, kept between its neighbours', () => {
		expect(nudgeSegment(transcript, 1, 'start', -0.25).segments[1]).toMatchObject({ start: 3.75, end: 6 });
		expect(nudgeSegment(transcript, 1, 'start', -5).segments[1]!.start).toBe(3);
		expect(nudgeSegment(transcript, 1, 'end', 5).segments[1]!.end).toBe(7);
		expect(nudgeSegment(transcript, 1, 'end', -5).segments[1]!.end).toBeCloseTo(4.1, 6);
	});
});

describe('find and replace', () => {
	const named = makeTranscript(
		[
			{
				start: 0,
				end: 2,
				text: ' Koe is koe, not Koeln.',
				words: words([' Koe', 0, 0.5], [' is', 0.5, 1], [' koe,', 1, 1.5], [' not', 1.5, 1.8], [' Koeln.', 1.8, 2])
			},
			{ start: 2, end: 4, text: ' Über koe.' }
		],
		'en',
		4
	);

	it('whole words, any case, across every line, counting them', () => {
		const { transcript: replaced, count } = replaceText(named, 'koe', 'Kō', { wholeWords: true, matchCase: false });
		expect(count).toBe(3);
		expect(replaced.text).toBe(' Kō is Kō, not Koeln. Über Kō.');
		expect(replaced.segments[0]!.words!.map((w) => [w.word, w.start])).toEqual([
			[' Kō', 0],
			[' is', 0.5],
			[' Kō,', 1],
			[' not', 1.5],
			[' Koeln.', 1.8]
		]);
	});

	it('matching case, or inside words', () => {
		expect(replaceText(named, 'koe', 'X', { wholeWords: true, matchCase: true }).count).toBe(2);
		expect(replaceText(named, 'Koe', 'X', { wholeWords: false, matchCase: true }).transcript.text).toBe(' X is koe, not Xln. Über koe.');
		expect(replaceText(named, '', 'X', { wholeWords: false, matchCase: false }).count).toBe(0);
		expect(replaceText(named, 'über', 'Uber', { wholeWords: true, matchCase: false }).count).toBe(1);
	});
});

describe('lines in a language without spaces', () => {
	/** One word per character, a tenth of a second each. */
	const tenths = (characters: string): Array<[string, number, number]> =>
		[...characters].map((character, i) => [character, Math.round(i * 10) / 100, Math.round((i + 1) * 10) / 100]);
	// As base transcribes zh_aishell1: no leading space, a word per character or token.
	const chinese = makeTranscript(
		[
			{
				start: 0,
				end: 1.2,
				text: '甚至出现交易停滞的情况。',
				words: words(...tenths('甚至出现交易停滞的'), ['情况。', 0.9, 1.2])
			},
			{ start: 2, end: 3, text: '我们去公园。' }
		],
		'zh',
		4
	);

	it('splits between characters, at the timed word nearest the cursor, or anywhere without word timings', () => {
		const split = splitSegment(chinese, 0, 4);
		expect(split.segments.map((s) => [s.text, s.start, s.end])).toEqual([
			['甚至出现', 0, 0.4],
			['交易停滞的情况。', 0.4, 1.2],
			['我们去公园。', 2, 3]
		]);
		// Inside the two-character word 情况: the boundary before it is nearer than the line's end.
		expect(splitSegment(chinese, 0, 10).segments.map((s) => s.text)).toEqual(['甚至出现交易停滞的', '情况。', '我们去公园。']);
		const untimed = splitSegment(chinese, 1, 2);
		expect(untimed.segments.slice(1).map((s) => [s.text, s.start, s.end])).toEqual([
			['我们', 2, 2.33],
			['去公园。', 2.33, 3]
		]);
		expect(untimed.text).toBe('甚至出现交易停滞的情况。我们去公园。');
	});

	it('keeps the times of the characters an edit leaves, adds no spaces, and merges without one', () => {
		const edited = editSegmentText(chinese, 0, '甚至出现交易停止的情况。');
		expect(edited.segments[0]!.text).toBe('甚至出现交易停止的情况。');
		expect(edited.segments[0]!.words!.map((w) => [w.word, w.start, w.end])).toEqual([
			...tenths('甚至出现交易停止的'),
			// 情况。 was one word: its three characters share its time.
			['情', 0.9, 1],
			['况', 1, 1.1],
			['。', 1.1, 1.2]
		]);
		const merged = mergeWithNext(chinese, 0);
		expect(merged.segments[0]!.text).toBe('甚至出现交易停滞的情况。我们去公园。');
		expect(merged.text).toBe('甚至出现交易停滞的情况。我们去公园。');
	});
});
