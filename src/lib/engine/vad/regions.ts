/**
 * @file Speech regions from a voice detector's per-frame probabilities, and the timeline that
 * joins them: only speech is decoded, and every time the decoder reports is moved back to where it
 * was in the recording. The rules and defaults are faster-whisper's `vad_filter` (Silero's
 * get_speech_timestamps with a long minimum silence and generous padding: Whisper hears words
 * better with a little of the pause around them).
 */
import { SAMPLE_RATE } from '../../core/audio';

export interface RegionRules {
	/** A frame at or above this probability is speech. */
	threshold: number;
	/** Speech ends after frames below this (hysteresis: threshold − 0.15). */
	negativeThreshold: number;
	/** Shorter bursts are dropped (clicks, a cough). */
	minSpeechSeconds: number;
	/** A pause shorter than this stays inside the region. */
	minSilenceSeconds: number;
	/** Kept on each side of a region; shared out where two regions are closer than twice this. */
	padSeconds: number;
}

export const DEFAULT_REGION_RULES: Readonly<RegionRules> = Object.freeze({
	threshold: 0.5,
	negativeThreshold: 0.35,
	minSpeechSeconds: 0.25,
	minSilenceSeconds: 2,
	padSeconds: 0.4
});

/** A stretch of the recording, in samples: [start, end). */
export interface Region {
	start: number;
	end: number;
}

/**
 * Speech regions, in samples, of a recording of `length` samples whose frames of `frameSamples`
 * had `probabilities` of holding speech.
 */
export function speechRegions(
	probabilities: ArrayLike<number>,
	frameSamples: number,
	length: number,
	rules: RegionRules = DEFAULT_REGION_RULES
): Region[] {
	const minSilence = rules.minSilenceSeconds * SAMPLE_RATE;
	const regions: Region[] = [];
	let start = -1;
	/** Where the current pause began, or −1 while speech goes on. */
	let pauseFrom = -1;
	for (let frame = 0; frame < probabilities.length; frame++) {
		const p = probabilities[frame]!;
		const at = frame * frameSamples;
		if (p >= rules.threshold) {
			if (start < 0) start = at;
			pauseFrom = -1;
		} else if (start >= 0 && p < rules.negativeThreshold) {
			if (pauseFrom < 0) pauseFrom = at;
			if (at + frameSamples - pauseFrom >= minSilence) {
				regions.push({ start, end: pauseFrom });
				start = -1;
				pauseFrom = -1;
			}
		}
	}
	if (start >= 0) regions.push({ start, end: pauseFrom >= 0 ? pauseFrom : length });
	const kept = regions.filter((region) => region.end - region.start >= rules.minSpeechSeconds * SAMPLE_RATE);
	return padRegions(kept, rules.padSeconds * SAMPLE_RATE, length);
}

/** Each region widened by `pad`, splitting the gap in two where neighbours would overlap. */
function padRegions(regions: Region[], pad: number, length: number): Region[] {
	return regions.map((region, index) => {
		const previous = regions[index - 1];
		const next = regions[index + 1];
		const start = previous && region.start - previous.end < 2 * pad ? Math.round((previous.end + region.start) / 2) : region.start - pad;
		const end = next && next.start - region.end < 2 * pad ? Math.round((region.end + next.start) / 2) : region.end + pad;
		return { start: Math.max(0, Math.round(start)), end: Math.min(length, Math.round(end)) };
	});
}

/**
 * The speech regions one after another, as the decoder reads them, and the way back: a time on
 * the joined timeline to the same moment in the recording.
 */
export class SpeechTimeline {
	readonly regions: readonly Region[];
	/** Where each region begins on the joined timeline, in samples. */
	readonly #joinedStarts: number[];
	/** Samples of speech in all. */
	readonly length: number;

	constructor(regions: readonly Region[]) {
		this.regions = regions;
		let at = 0;
		this.#joinedStarts = regions.map((region) => {
			const start = at;
			at += region.end - region.start;
			return start;
		});
		this.length = at;
	}

	/**
	 * Seconds on the joined timeline to seconds in the recording. `edge`: a time exactly at a join
	 * belongs to the region that ends there (an end) or to the one that starts there (a start).
	 */
	toRecording(seconds: number, edge: 'start' | 'end' = 'start'): number {
		const sample = seconds * SAMPLE_RATE;
		let index = 0;
		// Binary search: the last region whose joined start is at or before the sample.
		for (let low = 0, high = this.regions.length - 1; low <= high;) {
			const middle = (low + high) >> 1;
			const joinedStart = this.#joinedStarts[middle]!;
			if (joinedStart < sample || (joinedStart === sample && edge === 'start')) {
				index = middle;
				low = middle + 1;
			} else high = middle - 1;
		}
		const region = this.regions[index];
		if (!region) return seconds;
		const within = Math.min(sample - this.#joinedStarts[index]!, region.end - region.start);
		return Math.round(((region.start + Math.max(0, within)) / SAMPLE_RATE) * 1000) / 1000;
	}
}
