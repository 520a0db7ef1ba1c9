/**
 * @file The subtitle layout's rules on hand-made word timings (tests/unit/engine/subtitles.test.ts
 * checks them on real transcripts): where cues break, how lines balance, how times settle, and
 * the files srt, vtt and lrc write from the cues.
 */
import { describe, expect, it } from 'vitest';
import { cuesOf } from '$lib/core/subtitles/cues';
import { breakLines, DEFAULT_LAYOUT, layoutCues, layoutOf } from '$lib/core/subtitles/layout';
import { scriptOf, textWidth } from '$lib/core/subtitles/width';
import { makeTranscript, type Word } from '$lib/core/transcript';
import { writeTranscript } from '$lib/core/writers';

/** Words spoken one after another, `seconds` each, with `pause` after the words that end in `|`. */
function spoken(text: string, { seconds = 0.3, pause = 0.8, start = 0 } = {}): Word[] {
	let at = start;
	return text.split(' ').map((raw, index) => {
		const word = { word: (index === 0 ? ' ' : ' ') + raw.replace('|', ''), start: at, end: at + seconds };
		at += seconds + (raw.endsWith('|') ? pause : 0.05);
		return word;
	});
}

const transcriptOf = (words: Word[], language: string | null = 'en') =>
	makeTranscript(
		[{ start: Math.floor(words[0]!.start), end: Math.ceil(words.at(-1)!.end), text: words.map((w) => w.word).join(''), words }],
		language,
		Math.ceil(words.at(-1)!.end) + 1
	);

const LONG_SENTENCES =
	'And so, my fellow Americans,| ask not what your country can do for you,| ask what you can do for your country.| My fellow citizens of the world,| ask not what America will do for you,| but what together we can do for the freedom of man.';

describe('cue layout', () => {
	const words = spoken(LONG_SENTENCES);
	const cues = layoutCues(transcriptOf(words));

	it('keeps every word, in order, and splits only between words', () => {
		expect(cues.flatMap((cue) => cue.words.flat())).toEqual(words);
		expect(cues.map((cue) => cue.lines.join(' ')).join(' ')).toBe(words.map((w) => w.word.trim()).join(' '));
	});

	it('fits 42 characters a line, 2 lines and 7 seconds a cue', () => {
		for (const cue of cues) {
			expect(cue.lines.length).toBeLessThanOrEqual(2);
			for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(42);
			expect(cue.words.flat().at(-1)!.end - cue.start).toBeLessThanOrEqual(7);
		}
	});

	it('ends cues at the ends of sentences, then of clauses, rather than mid-phrase', () => {
		const endings = cues.slice(0, -1).map((cue) => cue.lines.at(-1)!.at(-1));
		for (const ending of endings) expect(ending).toMatch(/[.,]/);
		expect(cues.at(-1)!.lines.at(-1)).toMatch(/man\.$/);
	});

	it('times each cue from its first word, and leaves a gap before the next', () => {
		cues.forEach((cue, index) => {
			expect(cue.start).toBe(cue.words[0]![0]!.start);
			const next = cues[index + 1];
			if (next) expect(next.start - cue.end).toBeGreaterThanOrEqual(DEFAULT_LAYOUT.minGapSeconds - 1e-9);
		});
	});

	it('balances two lines instead of filling the first', () => {
		const lines = breakLines(spoken('the quick brown fox jumps over the lazy dog and runs far away'), {
			script: 'latin',
			lineWidth: 42,
			lineCount: 2,
			wordsPerLine: Infinity
		})!;
		expect(lines).toHaveLength(2);
		const widths = lines.map(
			(line) =>
				line
					.map((w) => w.word)
					.join('')
					.trim().length
		);
		expect(Math.abs(widths[0]! - widths[1]!)).toBeLessThanOrEqual(8);
	});

	it('follows the limits a user sets: width, line count, words per line, longest cue', () => {
		const narrow = layoutCues(transcriptOf(words), { maxLineWidth: 20, maxLineCount: 1, maxWordsPerLine: 3, maxCueSeconds: 3 });
		for (const cue of narrow) {
			expect(cue.lines).toHaveLength(1);
			expect(cue.lines[0]!.length).toBeLessThanOrEqual(20);
			expect(cue.lines[0]!.split(' ').length).toBeLessThanOrEqual(3);
			expect(cue.words.flat().at(-1)!.end - cue.start).toBeLessThanOrEqual(3);
		}
	});

	it('never spans a long pause: the text does not stay up over silence', () => {
		const apart = [...spoken('Hello there.'), ...spoken('Good morning.', { start: 10 })];
		const split = layoutCues(transcriptOf(apart));
		expect(split.map((cue) => cue.lines.join(' '))).toEqual(['Hello there.', 'Good morning.']);
		expect(split[0]!.end).toBeLessThan(5);
	});

	it('keeps a short cue up for the shortest time and for its reading time, where the next leaves room', () => {
		const apart = [...spoken('Yes.'), ...spoken('A much longer sentence follows here to read.', { start: 5 })];
		const [yes, long] = layoutCues(transcriptOf(apart));
		expect(yes!.end).toBeCloseTo(DEFAULT_LAYOUT.minCueSeconds, 3);
		// 44 characters at 17 a second: 2.6 s on screen, though spoken in 2.5 s.
		expect(long!.end - long!.start).toBeGreaterThanOrEqual(44 / 17 - 0.01);
	});

	it('lays out Chinese in full-width units, 16 a line, breaking between characters', () => {
		const text = '今天天气很好，我们一起去公园散步吧。然后我们去吃晚饭，再看一场电影，最后回家休息。';
		const chinese = makeTranscript([{ start: 0, end: 12, text }], 'zh', 12);
		const cues = layoutCues(chinese);
		expect(cues.map((cue) => cue.lines.join('')).join('')).toBe(text);
		for (const cue of cues) for (const line of cue.lines) expect(textWidth(line, 'cjk')).toBeLessThanOrEqual(16);
		expect(cues[0]!.lines.at(-1)).toMatch(/[，。]$/);
	});

	it('measures widths per script', () => {
		expect(textWidth('Hello', 'latin')).toBe(5);
		expect(textWidth('你好', 'latin')).toBe(4);
		expect(textWidth('你好AB', 'cjk')).toBe(3);
		expect(scriptOf('ja', 'anything')).toBe('cjk');
		expect(scriptOf('de', '你好')).toBe('latin');
		expect(scriptOf(null, '这是中文 OK')).toBe('cjk');
	});

	it('times words a transcript has none for by their share of the segment', () => {
		const plain = makeTranscript([{ start: 2, end: 4, text: ' one two three four' }], 'en', 5);
		const [cue] = layoutCues(plain);
		expect(cue!.start).toBe(2);
		expect(cue!.words.flat().at(-1)!.end).toBeCloseTo(4, 6);
	});
});

describe('subtitle files', () => {
	const words = spoken('Hello there.| General Kenobi.');
	const transcript = transcriptOf(words);

	it('srt and vtt from laid-out cues by default, one cue per segment when asked', () => {
		expect(writeTranscript(transcript, 'srt')).toBe(
			'1\n00:00:00,000 --> 00:00:00,800\nHello there.\n\n2\n00:00:01,450 --> 00:00:02,332\nGeneral Kenobi.\n\n'
		);
		expect(writeTranscript(transcript, 'vtt', layoutOf({ subtitleCues: 'segments' }))).toBe(
			'WEBVTT\n\n00:00.000 --> 00:03.000\nHello there. General Kenobi.\n\n'
		);
	});

	it('underlines each word in turn with highlight_words', () => {
		const vtt = writeTranscript(transcript, 'vtt', layoutOf({ highlightWords: true }));
		expect(vtt).toContain('00:00.000 --> 00:00.300\n<u>Hello</u> there.\n');
		expect(vtt).toContain('00:00.350 --> 00:00.650\nHello <u>there.</u>\n');
		const cues = cuesOf(transcript, layoutOf({ highlightWords: true }));
		for (let i = 1; i < cues.length; i++) expect(cues[i]!.start).toBeGreaterThanOrEqual(cues[i - 1]!.end);
	});

	it('lrc: a timed line per cue, and a blank one where silence follows', () => {
		expect(writeTranscript(transcript, 'lrc')).toBe(
			'[by:Koe]\n[00:00.00]Hello there.\n[00:00.80]\n[00:01.45]General Kenobi.\n[00:02.33]\n'
		);
	});

	it('layoutOf reads the options table, and segments means no layout', () => {
		expect(layoutOf({})).toEqual(DEFAULT_LAYOUT);
		expect(layoutOf({ subtitleCues: 'segments' })).toBeNull();
		expect(layoutOf({ maxLineWidth: 30 })!.maxLineWidth).toBe(30);
	});
});
