/** @file Tab-separated rows of integer milliseconds and text (openai/whisper WriteTSV). */
import { roundHalfEven } from '../timestamps';
import type { Transcript } from '../transcript';

export function writeTsv(transcript: Transcript): string {
	const rows = transcript.segments.map(
		(segment) =>
			`${roundHalfEven(segment.start * 1000)}\t${roundHalfEven(segment.end * 1000)}\t${segment.text.trim().replaceAll('\t', ' ')}\n`
	);
	return `start\tend\ttext\n${rows.join('')}`;
}
