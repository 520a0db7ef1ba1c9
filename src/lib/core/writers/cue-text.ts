/**
 * @file The text of one subtitle cue. A literal "-->" inside a cue would end its timing line
 * early in every player, so it becomes "->", as openai/whisper does; an empty line would end the
 * cue itself, so lines with no text are left out.
 */
export function cueText(lines: readonly string[]): string {
	return lines
		.map((line) => line.trim().replaceAll('-->', '->'))
		.filter((line) => line !== '')
		.join('\n');
}
