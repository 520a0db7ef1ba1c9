/**
 * @file vadFilter on real speech with tiny.en: Silero VAD (onnxruntime-node) finds the speech, only
 * that is decoded, and times come back on the recording's timeline. Around JFK: 20 s of room
 * noise before, synthetic music and white noise after; none of them may turn into words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RATE } from '$lib/core/audio';
import { transcribe, type LoadedModel } from '$lib/engine';
import { findSpeech } from '$lib/engine/vad';
import { samplesSource } from '$lib/engine/audio-source';
import { recording } from '../../support/eval-audio';
import { concatSamples as join, decodedRecording, haveLocalModels, loadLocal, useLocalEngine } from '../../support/local-models';
import { speechOnset } from '../../support/subtitle-stats';
import { normalizeWords, wordErrorRate } from '../../support/wer';

const haveModels = haveLocalModels('tiny.en');

/** A seeded generator, so that the noise is the same on every run. */
function random(seed: number): () => number {
	return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
const noise = (seconds: number, level: number, next = random(7)) =>
	Float32Array.from({ length: seconds * SAMPLE_RATE }, () => next() * level);
/** Chords of three sines changing every half second, with a beat: music-like, no voice. */
function music(seconds: number): Float32Array {
	const chords = [
		[261.6, 329.6, 392],
		[220, 277.2, 329.6],
		[196, 246.9, 293.7],
		[174.6, 220, 261.6]
	];
	return Float32Array.from({ length: seconds * SAMPLE_RATE }, (_, i) => {
		const t = i / SAMPLE_RATE;
		const chord = chords[Math.floor(t * 2) % chords.length]!;
		const beat = Math.exp(-((t * 2) % 1) * 6);
		return 0.08 * beat * chord.reduce((sum, f) => sum + Math.sin(2 * Math.PI * f * t), 0);
	});
}

describe.skipIf(!haveModels)('vadFilter', () => {
	let tiny: LoadedModel;
	let jfk: Float32Array;
	let mixed: Float32Array;
	const jfkRef = recording('en_jfk.wav').reference;
	beforeAll(async () => {
		useLocalEngine();
		tiny = await loadLocal('tiny.en');
		jfk = await decodedRecording('en_jfk.wav');
		mixed = join([noise(20, 0.003), jfk, music(15), noise(10, 0.05, random(11))]);
	}, 60_000);
	afterAll(async () => tiny?.pipe.dispose());

	it('finds the speech only', async () => {
		const speech = await findSpeech(samplesSource(mixed));
		expect(speech.regions).toHaveLength(1);
		const [region] = speech.regions;
		expect(region!.start / SAMPLE_RATE).toBeGreaterThan(19);
		expect(region!.end / SAMPLE_RATE).toBeLessThan(32);
	});

	it('decodes only the speech, with times on the recording, and invents nothing over noise or music', async () => {
		const transcript = await transcribe(tiny, mixed, { vadFilter: true, wordTimestamps: true });
		expect(wordErrorRate(jfkRef, transcript.text)).toBeLessThanOrEqual(0.1);
		expect(normalizeWords(transcript.text).length).toBeLessThanOrEqual(normalizeWords(jfkRef).length + 1);
		expect(transcript.duration).toBeCloseTo(mixed.length / SAMPLE_RATE, 2);
		const onset = 20 + speechOnset(jfk);
		expect(Math.abs(transcript.segments[0]!.start - onset)).toBeLessThanOrEqual(0.5);
		for (const segment of transcript.segments) {
			expect(segment.start).toBeGreaterThan(19);
			expect(segment.end).toBeLessThan(32);
			for (const word of segment.words ?? []) {
				expect(word.start).toBeGreaterThanOrEqual(segment.start);
				expect(word.end).toBeLessThanOrEqual(segment.end);
			}
		}
		const plain = await transcribe(tiny, mixed, { vadFilter: false });
		console.log(
			`[vad] with VAD: "${transcript.text.trim()}" (first segment at ${transcript.segments[0]!.start} s, speech at ${onset.toFixed(2)} s)`
		);
		console.log(`[vad] without: ${plain.segments.map((s) => `[${s.start}-${s.end}]${s.text}`).join(' ')}`);
	}, 120_000);

	it('finds nothing in noise and music alone, and decodes nothing', async () => {
		const transcript = await transcribe(tiny, join([music(20), noise(20, 0.05)]), { vadFilter: true });
		expect(transcript.segments).toEqual([]);
		expect(transcript.text).toBe('');
		expect(transcript.duration).toBe(40);
	}, 60_000);
});
