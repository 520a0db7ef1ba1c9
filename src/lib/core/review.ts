/**
 * @file Pure helpers for reviewing a transcript against its media: which segment and word play
 * at a time, and hand edits of a segment's text.
 */
import type { Segment, Transcript } from './transcript';

/** Index of the last item that has started by `time` and not yet ended, or -1. */
export function indexAt(items: ReadonlyArray<{ start: number; end: number }>, time: number): number {
	let low = 0;
	let high = items.length - 1;
	let found = -1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (items[middle]!.start <= time) {
			found = middle;
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}
	return found >= 0 && time < items[found]!.end ? found : -1;
}

/**
 * Replaces one segment's text. Its word timings no longer describe the new words, so they are
 * dropped; the transcript's text is rebuilt from the segments.
 */
export function editSegmentText(transcript: Transcript, segmentId: number, text: string): Transcript {
	const cleaned = text.replace(/\s+/g, ' ').trim();
	const segments = transcript.segments.map((segment): Segment => {
		if (segment.id !== segmentId || segment.text.trim() === cleaned) return segment;
		// Whisper's segment texts begin with a space; keep that so joined text reads right.
		const { words: _dropped, ...rest } = segment;
		return { ...rest, text: ` ${cleaned}` };
	});
	return { ...transcript, segments, text: segments.map((segment) => segment.text).join('') };
}
