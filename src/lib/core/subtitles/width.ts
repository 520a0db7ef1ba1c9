/**
 * @file How wide subtitle text is. Latin-script limits count characters; Chinese, Japanese and
 * Korean limits count full-width characters, where a half-width one (a digit, a Latin letter in
 * a Chinese line) is half a unit. A full-width character in a Latin line counts as two.
 */

export type Script = 'latin' | 'cjk';

/** Languages whose subtitles follow the full-width rules. */
const CJK_LANGUAGES: ReadonlySet<string> = new Set(['zh', 'yue', 'ja', 'ko']);

/**
 * Han, kana, Hangul, CJK punctuation and full-width forms: the East Asian Wide and Fullwidth
 * ranges that speech transcripts contain.
 */
const WIDE =
	/[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;

export function isWide(character: string): boolean {
	return WIDE.test(character);
}

/** The width of a line in the script's units. */
export function textWidth(text: string, script: Script): number {
	let width = 0;
	for (const character of text) {
		const wide = isWide(character);
		width += script === 'cjk' ? (wide ? 1 : 0.5) : wide ? 2 : 1;
	}
	return width;
}

/** The script whose rules a transcript's subtitles follow: by its language, else by its text. */
export function scriptOf(language: string | null, text: string): Script {
	if (language) return CJK_LANGUAGES.has(language) ? 'cjk' : 'latin';
	const characters = [...text.replace(/\s/gu, '')];
	const wide = characters.filter(isWide).length;
	return wide > characters.length / 2 ? 'cjk' : 'latin';
}
