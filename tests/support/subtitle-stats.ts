/**
 * @file Figures of a subtitle file's cues, for the layout test and bench/subtitles.ts: the longest
 * line, the longest cue, the cues a viewer cannot read at the reading speed, and how far each
 * cue that follows a known silence starts from the speech after it.
 */
import { SAMPLE_RATE } from '$lib/core/audio';
import type { Cue } from '$lib/core/subtitles/layout';
import { textWidth, type Script } from '$lib/core/subtitles/width';

export interface CueStats {
	cues: number;
	/** In the script's units (characters, or full-width characters). */
	longestLine: number;
	longestCueSeconds: number;
	/** Cues shown for less time than their text takes to read at `charsPerSecond`. */
	overReadingSpeed: number;
}

export function cueStats(cues: readonly Cue[], script: Script, charsPerSecond: number): CueStats {
	const widths = cues.flatMap((cue) => cue.lines.map((line) => textWidth(line, script)));
	return {
		cues: cues.length,
		longestLine: Math.max(0, ...widths),
		longestCueSeconds: round2(Math.max(0, ...cues.map((cue) => cue.end - cue.start))),
		overReadingSpeed: cues.filter((cue) => textWidth(cue.lines.join(''), script) / (cue.end - cue.start) > charsPerSecond + 1e-6).length
	};
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Where speech begins in a recording: the first 20 ms frame louder than −40 dBFS. */
export function speechOnset(samples: Float32Array): number {
	const frame = SAMPLE_RATE / 50;
	for (let start = 0; start + frame <= samples.length; start += frame) {
		let energy = 0;
		for (let i = start; i < start + frame; i++) energy += samples[i]! * samples[i]!;
		if (10 * Math.log10(energy / frame + 1e-12) > -40) return start / SAMPLE_RATE;
	}
	return samples.length / SAMPLE_RATE;
}

/** Recordings joined with `gapSeconds` of digital silence before each; the speech onsets on the joined timeline. */
export function joinWithSilence(recordings: readonly Float32Array[], gapSeconds: number): { samples: Float32Array; onsets: number[] } {
	const gap = Math.round(gapSeconds * SAMPLE_RATE);
	const samples = new Float32Array(recordings.reduce((sum, part) => sum + gap + part.length, 0));
	const onsets: number[] = [];
	let at = 0;
	for (const part of recordings) {
		at += gap;
		samples.set(part, at);
		onsets.push(at / SAMPLE_RATE + speechOnset(part));
		at += part.length;
	}
	return { samples, onsets };
}

/** For each onset, how far the first cue near it (ending after 1 s before it) starts from it, in seconds: negative when early. */
export function startErrors(cues: readonly Cue[], onsets: readonly number[]): number[] {
	return onsets.map((onset) => {
		const first = cues.find((cue) => cue.end > onset - 1);
		return first ? round2(first.start - onset) : Infinity;
	});
}
