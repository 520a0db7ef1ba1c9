import { describe, expect, it } from 'vitest';
import { formatTimestamp, roundHalfEven } from '$lib/core/timestamps';
import { makeTranscript } from '$lib/core/transcript';
import { writeTranscript } from '$lib/core/writers';
import { writeTimedText } from '$lib/core/writers/timed-text';

// Expected bytes are openai/whisper's writers run on the same segments (shared/docs/api-compat.md 1.3).
const sample = makeTranscript(
	[
		{ start: 0, end: 2.5, text: ' Hello world.' },
		{ start: 3, end: 3725, text: ' Café --> ok\ttab.' }
	],
	'en',
	3725
);

describe('timestamps', () => {
	it('rounds half to even like Python', () => {
		expect([0.5, 1.5, 2.5, 2.4, 2.6, -1.5].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, -2]);
	});

	it('formats SRT and VTT times, with hours only where due', () => {
		const srt = { alwaysIncludeHours: true, decimalMarker: ',' } as const;
		const vtt = { alwaysIncludeHours: false, decimalMarker: '.' } as const;
		expect(formatTimestamp(0, srt)).toBe('00:00:00,000');
		expect(formatTimestamp(2.5, vtt)).toBe('00:02.500');
		expect(formatTimestamp(3725, vtt)).toBe('01:02:05.000');
		expect(formatTimestamp(0.0025, vtt)).toBe('00:00.002');
		expect(formatTimestamp(0.0015, vtt)).toBe('00:00.002');
	});

	it('refuses negative times', () => {
		expect(() => formatTimestamp(-1, { alwaysIncludeHours: true, decimalMarker: ',' })).toThrow(RangeError);
	});
});

describe('writers', () => {
	it('writes txt', () => {
		expect(writeTranscript(sample, 'txt')).toBe('Hello world.\nCafé --> ok\ttab.\n');
	});

	// One cue per segment (subtitle_cues=segments): openai/whisper's writers without layout options.
	it('writes srt', () => {
		expect(writeTranscript(sample, 'srt', null)).toBe(
			'1\n00:00:00,000 --> 00:00:02,500\nHello world.\n\n2\n00:00:03,000 --> 01:02:05,000\nCafé -> ok\ttab.\n\n'
		);
	});

	it('writes vtt', () => {
		expect(writeTranscript(sample, 'vtt', null)).toBe(
			'WEBVTT\n\n00:00.000 --> 00:02.500\nHello world.\n\n00:03.000 --> 01:02:05.000\nCafé -> ok\ttab.\n\n'
		);
	});

	it('writes tsv', () => {
		expect(writeTranscript(sample, 'tsv')).toBe('start\tend\ttext\n0\t2500\tHello world.\n3000\t3725000\tCafé --> ok tab.\n');
	});

	it('names the valid formats when given an unknown one', () => {
		expect(() => writeTranscript(sample, 'docx')).toThrow(/txt, srt, vtt, tsv/);
	});

	it('joins segment texts into the transcript text', () => {
		expect(sample.text).toBe(' Hello world. Café --> ok\ttab.');
		expect(sample.segments.map((s) => s.id)).toEqual([0, 1]);
	});
});

describe('text to copy', () => {
	it('puts each line after its start, with hours from an hour on', () => {
		expect(writeTimedText(sample)).toBe('[00:00] Hello world.\n[00:03] Café --> ok\ttab.\n');
		const late = makeTranscript([{ start: 3725.9, end: 3727, text: ' Late.' }], 'en', 3727);
		expect(writeTimedText(late)).toBe('[1:02:05] Late.\n');
	});
});
