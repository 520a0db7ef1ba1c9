/** @file WebVTT: a header, then un-numbered cues; hours only from one hour on (openai/whisper WriteVTT). */
import { formatTimestamp } from '../timestamps';
import type { Transcript } from '../transcript';
import { cueText } from './cue-text';

/** `alwaysIncludeHours`: HH:MM:SS.mmm everywhere (the OpenAI API's layout). */
export function writeVtt(transcript: Transcript, { alwaysIncludeHours = false } = {}): string {
	const style = { alwaysIncludeHours, decimalMarker: '.' } as const;
	const cues = transcript.segments.map(
		(segment) => `${formatTimestamp(segment.start, style)} --> ${formatTimestamp(segment.end, style)}\n${cueText(segment.text)}\n\n`
	);
	return `WEBVTT\n\n${cues.join('')}`;
}
