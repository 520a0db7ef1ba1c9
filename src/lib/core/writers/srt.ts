/** @file SubRip: numbered cues, hours always shown, comma before milliseconds (openai/whisper WriteSRT). */
import { formatTimestamp } from '../timestamps';
import type { Transcript } from '../transcript';
import { cueText } from './cue-text';

const style = { alwaysIncludeHours: true, decimalMarker: ',' } as const;

export function writeSrt(transcript: Transcript): string {
	return transcript.segments
		.map(
			(segment, index) =>
				`${index + 1}\n${formatTimestamp(segment.start, style)} --> ${formatTimestamp(segment.end, style)}\n${cueText(segment.text)}\n\n`
		)
		.join('');
}
