import { describe, expect, it } from 'vitest';
import { editSegmentText, indexAt } from '$lib/core/review';
import { makeTranscript } from '$lib/core/transcript';

const transcript = makeTranscript(
	[
		{
			start: 0,
			end: 2,
			text: ' One two.',
			words: [
				{ word: ' One', start: 0, end: 1 },
				{ word: ' two.', start: 1, end: 2 }
			]
		},
		{ start: 3, end: 5, text: ' Three.' }
	],
	'en',
	5
);

describe('review', () => {
	it('finds the segment playing at a time, and none in gaps', () => {
		expect([0, 1.99, 2.5, 3, 4.9, 5, -1].map((t) => indexAt(transcript.segments, t))).toEqual([0, 0, -1, 1, 1, -1, -1]);
		expect(indexAt(transcript.segments[0]!.words!, 1.2)).toBe(1);
		expect(indexAt([], 1)).toBe(-1);
	});

	it('edits one segment, dropping its stale word timings and rebuilding the text', () => {
		const edited = editSegmentText(transcript, 0, '  One,   too. ');
		expect(edited.segments[0]).toEqual({ id: 0, start: 0, end: 2, text: ' One, too.' });
		expect(edited.segments[1]).toBe(transcript.segments[1]);
		expect(edited.text).toBe(' One, too. Three.');
		expect(transcript.segments[0]!.text).toBe(' One two.'); // the original is untouched
	});

	it('leaves a segment alone when the text did not change', () => {
		expect(editSegmentText(transcript, 0, 'One two.').segments[0]).toBe(transcript.segments[0]);
	});
});
