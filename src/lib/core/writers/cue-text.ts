/**
 * @file The text of one subtitle cue. A literal "-->" inside a cue would end its timing line
 * early in every player, so it becomes "->", as openai/whisper does.
 */
export function cueText(text: string): string {
	return text.trim().replaceAll('-->', '->');
}
