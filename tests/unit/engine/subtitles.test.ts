/**
 * @file The subtitle layout on real transcripts: base (q8, CPU) on English, German, Japanese and
 * Chinese recordings with word timings, and tiny.en on recordings joined with known silences,
 * whose cues must start within 0.3 s of the speech after each silence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cuesOf } from '$lib/core/subtitles/cues';
import { DEFAULT_LAYOUT, joinWords, timedWords, type Cue } from '$lib/core/subtitles/layout';
import { scriptOf, textWidth } from '$lib/core/subtitles/width';
import type { Transcript } from '$lib/core/transcript';
import { transcribe, type LoadedModel } from '$lib/engine';
import { decodedRecording as audioOf, haveLocalModels, loadLocal as load, useLocalEngine } from '../../support/local-models';
import { cueStats, joinWithSilence, startErrors } from '../../support/subtitle-stats';

const haveModels = haveLocalModels('tiny.en', 'base');

/** Every rule a laid-out cue list keeps, whatever the speech. */
function expectLaidOut(transcript: Transcript, cues: Cue[]): void {
	const script = scriptOf(transcript.language, transcript.text);
	const lineWidth = script === 'cjk' ? 16 : 42;
	// Every word, in order, split only between words.
	expect(cues.flatMap((cue) => cue.words.flat())).toEqual(timedWords(transcript));
	for (const [index, cue] of cues.entries()) {
		const words = cue.words.flat();
		expect(cue.lines.length).toBeLessThanOrEqual(DEFAULT_LAYOUT.maxLineCount);
		cue.words.forEach((line, at) => {
			expect(cue.lines[at]).toBe(joinWords(line));
			if (line.length > 1) expect(textWidth(cue.lines[at]!, script), cue.lines[at]).toBeLessThanOrEqual(lineWidth);
		});
		expect(cue.start).toBe(words[0]!.start);
		if (words.length > 1) expect(words.at(-1)!.end - cue.start).toBeLessThanOrEqual(DEFAULT_LAYOUT.maxCueSeconds);
		expect(cue.end).toBeGreaterThan(cue.start);
		const next = cues[index + 1];
		if (next) expect(cue.end).toBeLessThanOrEqual(next.start);
	}
}

describe.skipIf(!haveModels)('subtitles from real transcripts', () => {
	let base: LoadedModel;
	let tiny: LoadedModel;
	beforeAll(async () => {
		useLocalEngine();
		[base, tiny] = await Promise.all([load('base'), load('tiny.en')]);
	}, 60_000);
	afterAll(async () => {
		await base?.pipe.dispose();
		await tiny?.pipe.dispose();
	});

	for (const file of ['en_librivox_sonnet001.mp3', 'de_leopard.wav', 'ja_leopard.wav', 'zh_aishell1_BAC009S0764W0121.wav']) {
		it(`lays out ${file} under every limit`, async () => {
			const transcript = await transcribe(base, await audioOf(file), { wordTimestamps: true });
			const script = scriptOf(transcript.language, transcript.text);
			const cues = cuesOf(transcript, DEFAULT_LAYOUT);
			expectLaidOut(transcript, cues);
			const speed = script === 'cjk' ? 9 : 17;
			console.log(
				`[subtitles] ${file} (${transcript.language}): segments`,
				cueStats(cuesOf(transcript, null), script, speed),
				'laid out',
				cueStats(cues, script, speed)
			);
		}, 120_000);
	}

	it('starts every cue after a silence within 0.3 s of the speech', async () => {
		const recordings = await Promise.all(['en_jfk.wav', 'en_librispeech_2412-153948-0000.flac', 'en_ldc93s1_timit.wav'].map(audioOf));
		const { samples, onsets } = joinWithSilence(recordings, 3);
		const transcript = await transcribe(tiny, samples, { wordTimestamps: true });
		const cues = cuesOf(transcript, DEFAULT_LAYOUT);
		expectLaidOut(transcript, cues);
		const errors = startErrors(cues, onsets);
		console.log(
			'[subtitles] speech onsets',
			onsets,
			'cue start errors',
			errors,
			'segment start errors',
			startErrors(cuesOf(transcript, null), onsets)
		);
		for (const error of errors) expect(Math.abs(error)).toBeLessThanOrEqual(0.3);
	}, 120_000);
});
