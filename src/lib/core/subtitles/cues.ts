/**
 * @file The cues a subtitle file shows: laid out from words (layout.ts), or one per Whisper
 * segment when asked; with `highlightWords`, one cue per spoken word with that word underlined,
 * as openai/whisper's writers do.
 */
import type { Transcript } from '../transcript';
import { layoutCues, type Cue, type SubtitleLayout } from './layout';

export function cuesOf(transcript: Transcript, layout: SubtitleLayout | null): Cue[] {
	if (!layout) {
		return transcript.segments.map((segment) => ({
			start: segment.start,
			end: segment.end,
			lines: [segment.text.trim()],
			words: segment.words ? [segment.words] : []
		}));
	}
	const cues = layoutCues(transcript, layout);
	return layout.highlightWords ? cues.flatMap(highlighted) : cues;
}

/**
 * A cue as one cue per word, that word underlined, and the plain cue over any pause between
 * words and after the last one (the cue may stay up longer than its speech, for reading).
 */
function highlighted(cue: Cue): Cue[] {
	const all = cue.words.flat();
	if (all.length === 0) return [cue];
	const plain = (start: number, end: number): Cue => ({ ...cue, start, end });
	const out: Cue[] = [];
	let at = cue.start;
	all.forEach((current, index) => {
		const start = Math.max(at, current.start);
		const end =
			index === all.length - 1
				? Math.max(start, Math.min(current.end, cue.end))
				: Math.max(start, Math.min(current.end, all[index + 1]!.start));
		if (start > at) out.push(plain(at, start));
		const lines = cue.words.map((line) =>
			line
				.map((word) => (word === current ? word.word.replace(/^(\s*)(.*)$/su, '$1<u>$2</u>') : word.word))
				.join('')
				.trim()
		);
		if (end > start) out.push({ ...cue, start, end, lines });
		at = end;
	});
	if (cue.end > at) out.push(plain(at, cue.end));
	return out;
}
