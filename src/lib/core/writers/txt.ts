/** @file Plain text: each segment's stripped text on its own line (openai/whisper WriteTXT). */
import type { Transcript } from '../transcript';

export function writeTxt(transcript: Transcript): string {
	return transcript.segments.map((segment) => `${segment.text.trim()}\n`).join('');
}
