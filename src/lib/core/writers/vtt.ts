/** @file WebVTT: a header, then un-numbered cues; hours only from one hour on (openai/whisper WriteVTT). */
import { cuesOf } from '../subtitles/cues';
import { DEFAULT_LAYOUT, type SubtitleLayout } from '../subtitles/layout';
import { formatTimestamp } from '../timestamps';
import type { Transcript } from '../transcript';
import { cueText } from './cue-text';

/** `alwaysIncludeHours`: HH:MM:SS.mmm everywhere (the OpenAI API's layout). */
export function writeVtt(
	transcript: Transcript,
	layout: SubtitleLayout | null = DEFAULT_LAYOUT,
	{ alwaysIncludeHours = false } = {}
): string {
	const style = { alwaysIncludeHours, decimalMarker: '.' } as const;
	const cues = cuesOf(transcript, layout).map(
		(cue) => `${formatTimestamp(cue.start, style)} --> ${formatTimestamp(cue.end, style)}\n${cueText(cue.lines)}\n\n`
	);
	return `WEBVTT\n\n${cues.join('')}`;
}
