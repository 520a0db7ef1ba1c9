/**
 * @file Whisper's language table, defined once as [code, name] pairs (openai/whisper
 * `tokenizer.py` LANGUAGES, in its order) with the lookups derived from it. Isomorphic: the API's
 * `language` parameter, the UI's picker and the engine's language tokens all read this table.
 */

/** Code and lowercase English name, in Whisper's token order (the order of `<|xx|>` ids). */
const PAIRS = [
	['en', 'english'],
	['zh', 'chinese'],
	['de', 'german'],
	['es', 'spanish'],
	['ru', 'russian'],
	['ko', 'korean'],
	['fr', 'french'],
	['ja', 'japanese'],
	['pt', 'portuguese'],
	['tr', 'turkish'],
	['pl', 'polish'],
	['ca', 'catalan'],
	['nl', 'dutch'],
	['ar', 'arabic'],
	['sv', 'swedish'],
	['it', 'italian'],
	['id', 'indonesian'],
	['hi', 'hindi'],
	['fi', 'finnish'],
	['vi', 'vietnamese'],
	['he', 'hebrew'],
	['uk', 'ukrainian'],
	['el', 'greek'],
	['ms', 'malay'],
	['cs', 'czech'],
	['ro', 'romanian'],
	['da', 'danish'],
	['hu', 'hungarian'],
	['ta', 'tamil'],
	['no', 'norwegian'],
	['th', 'thai'],
	['ur', 'urdu'],
	['hr', 'croatian'],
	['bg', 'bulgarian'],
	['lt', 'lithuanian'],
	['la', 'latin'],
	['mi', 'maori'],
	['ml', 'malayalam'],
	['cy', 'welsh'],
	['sk', 'slovak'],
	['te', 'telugu'],
	['fa', 'persian'],
	['lv', 'latvian'],
	['bn', 'bengali'],
	['sr', 'serbian'],
	['az', 'azerbaijani'],
	['sl', 'slovenian'],
	['kn', 'kannada'],
	['et', 'estonian'],
	['mk', 'macedonian'],
	['br', 'breton'],
	['eu', 'basque'],
	['is', 'icelandic'],
	['hy', 'armenian'],
	['ne', 'nepali'],
	['mn', 'mongolian'],
	['bs', 'bosnian'],
	['kk', 'kazakh'],
	['sq', 'albanian'],
	['sw', 'swahili'],
	['gl', 'galician'],
	['mr', 'marathi'],
	['pa', 'punjabi'],
	['si', 'sinhala'],
	['km', 'khmer'],
	['sn', 'shona'],
	['yo', 'yoruba'],
	['so', 'somali'],
	['af', 'afrikaans'],
	['oc', 'occitan'],
	['ka', 'georgian'],
	['be', 'belarusian'],
	['tg', 'tajik'],
	['sd', 'sindhi'],
	['gu', 'gujarati'],
	['am', 'amharic'],
	['yi', 'yiddish'],
	['lo', 'lao'],
	['uz', 'uzbek'],
	['fo', 'faroese'],
	['ht', 'haitian creole'],
	['ps', 'pashto'],
	['tk', 'turkmen'],
	['nn', 'nynorsk'],
	['mt', 'maltese'],
	['sa', 'sanskrit'],
	['lb', 'luxembourgish'],
	['my', 'myanmar'],
	['bo', 'tibetan'],
	['tl', 'tagalog'],
	['mg', 'malagasy'],
	['as', 'assamese'],
	['tt', 'tatar'],
	['haw', 'hawaiian'],
	['ln', 'lingala'],
	['ha', 'hausa'],
	['ba', 'bashkir'],
	['jw', 'javanese'],
	['su', 'sundanese'],
	['yue', 'cantonese']
] as const satisfies ReadonlyArray<readonly [string, string]>;

/** Older names openai/whisper also accepts (its TO_LANGUAGE_CODE extras). */
const ALIASES: Readonly<Record<string, LanguageCode>> = Object.freeze({
	burmese: 'my',
	valencian: 'ca',
	flemish: 'nl',
	haitian: 'ht',
	letzeburgesch: 'lb',
	pushto: 'ps',
	panjabi: 'pa',
	moldavian: 'ro',
	moldovan: 'ro',
	sinhalese: 'si',
	castilian: 'es',
	mandarin: 'zh'
});

export type LanguageCode = (typeof PAIRS)[number][0];

export interface Language {
	code: LanguageCode;
	/** Lowercase English name, as openai/whisper and the webservice's /detect-language write it. */
	name: string;
}

export const LANGUAGES: ReadonlyArray<Language> = Object.freeze(PAIRS.map(([code, name]) => Object.freeze({ code, name })));

export const LANGUAGE_CODES: ReadonlyArray<LanguageCode> = Object.freeze(LANGUAGES.map((l) => l.code));

const byCode = new Map<string, Language>(LANGUAGES.map((l) => [l.code, l]));
const byName = new Map<string, Language>([
	...LANGUAGES.map((l) => [l.name, l] as const),
	...Object.entries(ALIASES).map(([alias, code]) => [alias, byCode.get(code)!] as const)
]);

/** The language for a code, name or alias in any case; undefined when there is none. */
export function findLanguage(codeOrName: string): Language | undefined {
	const key = codeOrName.trim().toLowerCase();
	return byCode.get(key) ?? byName.get(key);
}

/** Like `findLanguage`, but an unknown value is a RangeError that lists the valid codes. */
export function getLanguage(codeOrName: string): Language {
	const found = findLanguage(codeOrName);
	if (!found) {
		throw new RangeError(`Unsupported language "${codeOrName}". Use one of: ${[...LANGUAGE_CODES].sort().join(', ')}.`);
	}
	return found;
}

/** Whisper writes Chinese, Japanese, Thai, Lao, Burmese and Cantonese without spaces between words. */
export const UNSPACED_LANGUAGES: ReadonlySet<string> = new Set(['zh', 'ja', 'th', 'lo', 'my', 'yue']);
