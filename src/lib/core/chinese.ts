/**
 * @file Simplified Chinese output. Whisper often writes Mandarin in Traditional characters; for
 * readers in mainland China the transcript is converted with OpenCC's Traditional → mainland
 * Simplified tables (opencc-js), loaded only when needed.
 */
import type { Transcript } from './transcript';

type Convert = (text: string) => string;

let converter: Promise<Convert> | undefined;

/** OpenCC's Traditional → Simplified (mainland) converter, loaded once. */
export function simplifiedConverter(): Promise<Convert> {
	converter ??= import('opencc-js/t2cn').then(({ Converter }) => Converter({ from: 't', to: 'cn' }));
	return converter;
}

/** Languages whose transcripts the option converts: Mandarin (zh) and Cantonese (yue). */
export const CHINESE_LANGUAGES: ReadonlySet<string> = new Set(['zh', 'yue']);

/** The transcript with every text in Simplified characters; other languages are left alone. */
export async function toSimplifiedChinese(transcript: Transcript): Promise<Transcript> {
	if (!transcript.language || !CHINESE_LANGUAGES.has(transcript.language)) return transcript;
	const convert = await simplifiedConverter();
	const segments = transcript.segments.map((segment) => ({
		...segment,
		text: convert(segment.text),
		...(segment.words ? { words: segment.words.map((word) => ({ ...word, word: convert(word.word) })) } : {})
	}));
	return { ...transcript, text: convert(transcript.text), segments };
}
