import { describe, expect, it } from 'vitest';
import { makeTranscript } from '$lib/core/transcript';
import { asrOutput, pythonQuote } from '$lib/server/api/responses';

const transcript = makeTranscript([{ start: 0, end: 1, text: ' Hello.' }], 'en', 1);
const disposition = (extension: string, uploadName = 'talk.mp3') =>
	asrOutput(transcript, { output: 'txt', outputExtension: extension, options: {} }, uploadName).headers.get('content-disposition');

describe('pythonQuote', () => {
	it("quotes as Python's urllib.parse.quote does, keeping /", () => {
		expect(pythonQuote('en_jfk.wav')).toBe('en_jfk.wav');
		expect(pythonQuote("a b/c'(d)*!.mp3")).toBe('a%20b/c%27%28d%29%2A%21.mp3');
		expect(pythonQuote('你好.wav')).toBe('%E4%BD%A0%E5%A5%BD.wav');
	});
});

describe('asrOutput', () => {
	it('names the file after the upload and the output as sent', () => {
		expect(disposition('srt')).toBe('inline; filename="talk.mp3.srt"');
		expect(disposition('text')).toBe('inline; filename="talk.mp3.text"');
		expect(disposition('txt', 'a "quoted" name.wav')).toBe('inline; filename="a%20%22quoted%22%20name.wav.txt"');
	});

	it('answers any output value as a valid header: quotes, line breaks and characters past Latin-1 are quoted', () => {
		expect(disposition('x"y')).toBe('inline; filename="talk.mp3.x%22y"');
		expect(disposition('a\r\nSet-Cookie: b')).toBe('inline; filename="talk.mp3.a%0D%0ASet-Cookie%3A%20b"');
		expect(disposition('你')).toBe('inline; filename="talk.mp3.%E4%BD%A0"');
		expect(disposition('\u0000')).toBe('inline; filename="talk.mp3.%00"');
	});
});
