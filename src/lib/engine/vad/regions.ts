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
 * The speech regions one after another, as the decoder reads them, and the way back: a stretch
 * of the joined timeline to the same stretch of the recording.
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
	 * A decoded stretch (seconds on the joined timeline) as seconds in the recording. One that
	 * crosses a join belongs to the region holding most of it, and is cut at that region's edge:
	 * Whisper's timestamps land a little past a join as often as on it, and a sentence heard just
	 * before a 15-minute pause must not end after it.
	 */
	toRecording(start: number, end: number): { start: number; end: number } {
		const [from, to] = [start * SAMPLE_RATE, Math.max(start, end) * SAMPLE_RATE];
		let best = this.#regionAt(from);
		let most = -1;
		for (let index = best; index <= this.#regionAt(to); index++) {
			const joinedStart = this.#joinedStarts[index]!;
			const region = this.regions[index]!;
			const overlap = Math.min(to, joinedStart + region.end - region.start) - Math.max(from, joinedStart);
			if (overlap > most) [best, most] = [index, overlap];
		}
		const region = this.regions[best];
		if (!region) return { start, end };
		const joinedStart = this.#joinedStarts[best]!;
		const place = (sample: number) => {
			const within = Math.max(0, Math.min(sample - joinedStart, region.end - region.start));
			return Math.round(((region.start + within) / SAMPLE_RATE) * 1000) / 1000;
		};
		return { start: place(from), end: place(to) };
	}

	/** The last region whose joined start is at or before the sample (the first one before any). */
	#regionAt(sample: number): number {
		let found = 0;
		for (let low = 0, high = this.regions.length - 1; low <= high;) {
			const middle = (low + high) >> 1;
			if (this.#joinedStarts[middle]! <= sample) {
				found = middle;
				low = middle + 1;
			} else high = middle - 1;
		}
		return found;
	}
}
