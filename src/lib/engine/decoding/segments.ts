/**
 * @file Cuts one window's tokens into timed segments at timestamp pairs and says how far the
 * seek loop may advance, as faster-whisper's `_split_segments_by_timestamps` does. Pure.
 */
import { TIME_PRECISION } from './tokens';

/** Mel frames per timestamp step: the encoder halves the 100 frames/s of the features. */
export const INPUT_STRIDE = 2;

export interface RawSegment {
	/** Seconds from the start of the media. */
	start: number;
	end: number;
	/** The segment's tokens, timestamp tokens included. */
	tokens: number[];
}

export interface Split {
	segments: RawSegment[];
	/** Mel frames (10 ms each) to advance the seek position by. */
	advance: number;
	/** The decode ended with a lone timestamp: the rest of the window holds no more speech. */
	singleTimestampEnding: boolean;
}

/**
 * @param tokens the window's sampled tokens (no end-of-text)
 * @param timeOffset seconds at which the window starts
 * @param windowFrames mel frames of real audio in the window (3000 except at the end)
 */
export function splitByTimestamps(tokens: readonly number[], timestampBegin: number, timeOffset: number, windowFrames: number): Split {
	const isTs = (i: number) => tokens[i]! >= timestampBegin;
	const n = tokens.length;
	const singleTimestampEnding = n >= 2 && !isTs(n - 2) && isTs(n - 1);
	const consecutive: number[] = [];
	for (let i = 1; i < n; i++) if (isTs(i) && isTs(i - 1)) consecutive.push(i);
	const time = (token: number) => timeOffset + (token - timestampBegin) * TIME_PRECISION;

	if (consecutive.length === 0) {
		// One segment for the whole window, ending at its last timestamp if it has one.
		let duration = windowFrames / 100;
		const lastTs = [...tokens].reverse().find((t) => t >= timestampBegin);
		if (lastTs !== undefined && lastTs !== timestampBegin) duration = (lastTs - timestampBegin) * TIME_PRECISION;
		return {
			segments: [{ start: timeOffset, end: timeOffset + duration, tokens: [...tokens] }],
			advance: windowFrames,
			singleTimestampEnding
		};
	}

	const slices = singleTimestampEnding ? [...consecutive, n] : consecutive;
	const segments: RawSegment[] = [];
	let last = 0;
	for (const cut of slices) {
		const piece = tokens.slice(last, cut);
		segments.push({ start: time(piece[0]!), end: time(piece.at(-1)!), tokens: piece });
		last = cut;
	}
	// Without a lone final timestamp the last segment was cut off: decode it again next window.
	const advance = singleTimestampEnding ? windowFrames : (tokens[last - 1]! - timestampBegin) * INPUT_STRIDE;
	return { segments, advance, singleTimestampEnding };
}
