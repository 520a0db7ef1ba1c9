/**
 * @file The transcript as text to paste elsewhere (the review view's "Copy with times"): a line per
 * segment, each after its start as [mm:ss], or [h:mm:ss] from an hour on.
 */
import type { Transcript } from '../transcript';

function clock(seconds: number): string {
	const whole = Math.floor(seconds);
	const [hours, minutes, rest] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
	const mmss = `${String(minutes).padStart(2, '0')}:${String(rest).padStart(2, '0')}`;
	return hours > 0 ? `${hours}:${mmss}` : mmss;
}

export function writeTimedText(transcript: Transcript): string {
	return transcript.segments.map((segment) => `[${clock(segment.start)}] ${segment.text.trim()}\n`).join('');
}
