/** @file WebVTT: a header, then un-numbered cues; hours only from one hour on (openai/whisper WriteVTT). */
import { formatTimestamp } from '../timestamps';
import type { Transcript } from '../transcript';
import { cueText } from './cue-text';

const style = { alwaysIncludeHours: false, decimalMarker: '.' } as const;

export function writeVtt(transcript: Transcript): string {
	const cues = transcript.segments.map(
		(segment) =>
			`${formatTimestamp(segment.start, style)} --> ${formatTimestamp(segment.end, style)}\n${cueText(segment.text)}\n\n`
	);
	return `WEBVTT\n\n${cues.join('')}`;
}
