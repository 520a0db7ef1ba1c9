/**
 * @file Live captions: the utterance cutter and the sample buffer on made-up input, then the whole
 * path on real speech (JFK through Silero VAD and tiny.en, fed as a microphone would, a quarter
 * second at a time, on a clock that runs with the audio).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RATE } from '$lib/core/audio';
import type { LoadedModel } from '$lib/engine';
import { LiveTranscriber, SampleBuffer, UtteranceCutter, type LiveLine } from '$lib/engine/live';
import { voiceDetector } from '$lib/engine/vad';
import { recording } from '../../support/eval-audio';
import { concatSamples, decodedRecording, haveLocalModels, loadLocal, useLocalEngine } from '../../support/local-models';
import { wordErrorRate } from '../../support/wer';

const FRAME = 512;
const framesOf = (seconds: number) => Math.round((seconds * SAMPLE_RATE) / FRAME);
/** Pushes frames of these probabilities; the utterances they cut, in seconds. */
function cutAll(cutter: UtteranceCutter, probabilities: number[]): Array<[number, number]> {
	const cut: Array<[number, number]> = [];
	for (const p of probabilities) {
		const utterance = cutter.push(p);
		if (utterance) cut.push([utterance.start / SAMPLE_RATE, utterance.end / SAMPLE_RATE]);
	}
	const last = cutter.flush();
	if (last) cut.push([last.start / SAMPLE_RATE, last.end / SAMPLE_RATE]);
	return cut;
}
const run = (p: number, seconds: number) => Array<number>(framesOf(seconds)).fill(p);

describe('the utterance cutter', () => {
	it('ends an utterance after a pause of 0.6 s, with 0.2 s of padding, and drops a click', () => {
		const cuts = cutAll(new UtteranceCutter(FRAME), [...run(0, 1), ...run(0.9, 2), ...run(0.1, 1), ...run(0.9, 0.1), ...run(0.1, 2)]);
		expect(cuts).toHaveLength(1);
		const [[start, end]] = cuts as [[number, number]];
		expect(start).toBeCloseTo(0.8, 1);
		expect(end).toBeCloseTo(3.2, 1);
	});

	it('keeps a short pause inside the utterance, and cuts a monologue at 15 s', () => {
		expect(cutAll(new UtteranceCutter(FRAME), [...run(0.9, 2), ...run(0.1, 0.3), ...run(0.9, 2), ...run(0.1, 1)])).toHaveLength(1);
		const monologue = cutAll(new UtteranceCutter(FRAME), [...run(0.9, 40), ...run(0, 1)]);
		expect(monologue).toHaveLength(3);
		for (const [start, end] of monologue) expect(end - start).toBeLessThanOrEqual(15.01);
		// Back to back: no sample in two utterances.
		expect(monologue[1]![0]).toBeCloseTo(monologue[0]![1], 3);
	});

	it('gives the speech under way until the pause, and nothing between utterances', () => {
		const cutter = new UtteranceCutter(FRAME);
		cutAll(cutter, run(0, 1));
		expect(cutter.current).toBeNull();
		for (const p of run(0.9, 1)) cutter.push(p);
		expect(cutter.current!.start / SAMPLE_RATE).toBeCloseTo(0.8, 1);
		expect(cutter.current!.end / SAMPLE_RATE).toBeCloseTo(2, 1);
	});
});

describe('the sample buffer', () => {
	it('reads across pieces and forgets whole pieces before a point', () => {
		const buffer = new SampleBuffer();
		buffer.append(Float32Array.from([0, 1, 2, 3]));
		buffer.append(Float32Array.from([4, 5, 6]));
		buffer.append(Float32Array.from([7, 8]));
		expect([...buffer.read(2, 8)]).toEqual([2, 3, 4, 5, 6, 7]);
		buffer.dropBefore(5);
		expect(buffer.end).toBe(9);
		expect([...buffer.read(0, 9)]).toEqual([4, 5, 6, 7, 8]); // the first piece is gone, the second kept whole
	});
});

describe.skipIf(!haveLocalModels('tiny.en'))('live captions on real speech', () => {
	let tiny: LoadedModel;
	let speech: Float32Array;
	beforeAll(async () => {
		useLocalEngine();
		tiny = await loadLocal('tiny.en');
		speech = concatSamples([new Float32Array(SAMPLE_RATE), await decodedRecording('en_jfk.wav'), new Float32Array(SAMPLE_RATE)]);
	}, 60_000);
	afterAll(async () => tiny?.pipe.dispose());

	it("writes JFK's sentences as they end, and nothing for the silence around them", async () => {
		let clock = 0; // milliseconds of audio fed so far: the microphone's own clock
		const lines: LiveLine[] = [];
		const live = new LiveTranscriber(tiny, await voiceDetector(), {}, (line) => lines.push(line), { now: () => clock });
		const piece = SAMPLE_RATE / 4;
		for (let at = 0; at < speech.length; at += piece) {
			clock = (at / SAMPLE_RATE) * 1000;
			await live.feed(speech.slice(at, at + piece));
		}
		await live.finish();
		const finals = lines.filter((line) => line.kind === 'final');
		console.log(`[live] ${finals.map((line) => `[${line.start.toFixed(1)}–${line.end.toFixed(1)} s] ${line.text}`).join(' | ')}`);
		expect(finals.length).toBeGreaterThanOrEqual(2);
		expect(wordErrorRate(recording('en_jfk.wav').reference, finals.map((line) => line.text).join(' '))).toBeLessThanOrEqual(0.25);
		expect(finals[0]!.start).toBeGreaterThan(0.9); // the leading second of silence is not an utterance
		for (let i = 1; i < finals.length; i++) expect(finals[i]!.start).toBeGreaterThanOrEqual(finals[i - 1]!.end - 1e-6);
	}, 120_000);
});
