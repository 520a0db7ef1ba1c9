/**
 * @file LRC, the lyrics format music players and karaoke apps read (whisper.cpp writes it): one
 * `[mm:ss.xx]text` line per cue, its lines joined, and an empty timed line where a cue ends before
 * the next begins, so that the text clears over silence. Word highlighting does not apply here.
 */
import { cuesOf } from '../subtitles/cues';
import { DEFAULT_LAYOUT, type SubtitleLayout } from '../subtitles/layout';
import type { Transcript } from '../transcript';

/** `[mm:ss.xx]`, minutes past 59 kept as they are (LRC has no hours). */
function lrcTime(seconds: number): string {
	const centiseconds = Math.round(seconds * 100);
	const minutes = Math.floor(centiseconds / 6000);
	const rest = (centiseconds % 6000) / 100;
	return `[${String(minutes).padStart(2, '0')}:${rest.toFixed(2).padStart(5, '0')}]`;
}

export function writeLrc(transcript: Transcript, layout: SubtitleLayout | null = DEFAULT_LAYOUT): string {
	const cues = cuesOf(transcript, layout && { ...layout, highlightWords: false });
	const lines = ['[by:Koe]'];
	cues.forEach((cue, index) => {
		lines.push(`${lrcTime(cue.start)}${cue.lines.map((line) => line.trim()).join(' ')}`);
		const next = cues[index + 1];
		if (!next || next.start > cue.end + 0.01) lines.push(lrcTime(cue.end));
	});
	return `${lines.join('\n')}\n`;
}
