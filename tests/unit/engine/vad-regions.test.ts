/** @file Speech regions from per-frame probabilities, and the joined timeline's way back to the recording. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGION_RULES, SpeechTimeline, speechRegions } from '$lib/engine/vad';

const FRAME = 512;
const RATE = 16000;
/** Probabilities per 32 ms frame from [seconds, probability] runs. */
function frames(...runs: Array<[number, number]>): number[] {
	return runs.flatMap(([seconds, p]) => Array<number>(Math.round((seconds * RATE) / FRAME)).fill(p));
}
const inSeconds = (regions: Array<{ start: number; end: number }>) =>
	regions.map((r) => [+(r.start / RATE).toFixed(2), +(r.end / RATE).toFixed(2)]);

describe('speech regions', () => {
	it('finds speech between silences, padded by 0.4 s', () => {
		const p = frames([5, 0.02], [3, 0.9], [10, 0.02]);
		const regions = speechRegions(p, FRAME, p.length * FRAME);
		expect(inSeconds(regions)).toEqual([[4.59, 8.4]]); // 32 ms frames: speech from 4.992 s to 8.0 s
	});

	it('keeps a pause shorter than 2 s inside the region, and splits at a longer one', () => {
		const short = frames([1, 0.9], [1.5, 0.1], [1, 0.9]);
		expect(speechRegions(short, FRAME, short.length * FRAME)).toHaveLength(1);
		const long = frames([1, 0.9], [3, 0.1], [1, 0.9]);
		expect(inSeconds(speechRegions(long, FRAME, long.length * FRAME))).toEqual([
			[0, 1.39],
			[3.6, 4.99]
		]);
	});

	it('holds on through frames between the two thresholds (hysteresis)', () => {
		const p = frames([1, 0.9], [3, 0.4], [1, 0.9]);
		expect(speechRegions(p, FRAME, p.length * FRAME)).toHaveLength(1);
	});

	it('drops bursts shorter than 0.25 s, and finds nothing in silence', () => {
		const click = frames([2, 0.01], [0.1, 0.99], [2, 0.01]);
		expect(speechRegions(click, FRAME, click.length * FRAME)).toEqual([]);
		expect(speechRegions(frames([60, 0.01]), FRAME, 60 * RATE)).toEqual([]);
	});

	it('shares the padding out where two regions are close', () => {
		const rules = { ...DEFAULT_REGION_RULES, minSilenceSeconds: 0.3 };
		const p = frames([1, 0.9], [0.5, 0.01], [1, 0.9]);
		const [first, second] = speechRegions(p, FRAME, p.length * FRAME, rules);
		expect(first!.end).toBe(second!.start);
	});
});

describe('the joined timeline', () => {
	const timeline = new SpeechTimeline([
		{ start: 10 * RATE, end: 15 * RATE },
		{ start: 40 * RATE, end: 42 * RATE }
	]);

	it('is as long as the speech', () => {
		expect(timeline.length).toBe(7 * RATE);
	});

	it('maps joined stretches back to the recording', () => {
		expect(timeline.toRecording(0, 2.5)).toEqual({ start: 10, end: 12.5 });
		expect(timeline.toRecording(5, 6)).toEqual({ start: 40, end: 41 });
		expect(timeline.toRecording(6, 9)).toEqual({ start: 41, end: 42 }); // past the end: the last region's end
	});

	it('gives a stretch across a join to the region holding most of it, cut at its edge', () => {
		// Whisper's end a little past the join: the sentence ends with the first region.
		expect(timeline.toRecording(3, 5.1)).toEqual({ start: 13, end: 15 });
		// A start a little before the join: the sentence starts with the second region.
		expect(timeline.toRecording(4.6, 6.5)).toEqual({ start: 40, end: 41.5 });
	});
});
