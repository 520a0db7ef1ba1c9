/** @file SubRip: numbered cues, hours always shown, comma before milliseconds (openai/whisper WriteSRT). */
import { cuesOf } from '../subtitles/cues';
import { DEFAULT_LAYOUT, type SubtitleLayout } from '../subtitles/layout';
import { formatTimestamp } from '../timestamps';
import type { Transcript } from '../transcript';
import { cueText } from './cue-text';

const style = { alwaysIncludeHours: true, decimalMarker: ',' } as const;

export function writeSrt(transcript: Transcript, layout: SubtitleLayout | null = DEFAULT_LAYOUT): string {
	return cuesOf(transcript, layout)
		.map(
			(cue, index) => `${index + 1}\n${formatTimestamp(cue.start, style)} --> ${formatTimestamp(cue.end, style)}\n${cueText(cue.lines)}\n\n`
		)
		.join('');
}
