import { describe, expect, it } from 'vitest';
import { indexAt } from '$lib/core/review';
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
});
