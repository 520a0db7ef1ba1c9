import { describe, expect, it } from 'vitest';
import { simplifiedConverter, toSimplifiedChinese } from '$lib/core/chinese';
import { makeTranscript } from '$lib/core/transcript';

describe('Simplified Chinese output', () => {
	it('converts Traditional characters in text, segments and words', async () => {
		const traditional = makeTranscript(
			[{ start: 0, end: 2, text: '甚至出現交易幾乎停滯的情況', words: [{ word: '出現', start: 0, end: 1 }] }],
			'zh',
			2
		);
		const simplified = await toSimplifiedChinese(traditional);
		expect(simplified.text).toBe('甚至出现交易几乎停滞的情况');
		expect(simplified.segments[0]!.text).toBe('甚至出现交易几乎停滞的情况');
		expect(simplified.segments[0]!.words![0]!.word).toBe('出现');
	});

	it('leaves other languages untouched', async () => {
		const japanese = makeTranscript([{ start: 0, end: 1, text: '客観的實在' }], 'ja', 1);
		expect(await toSimplifiedChinese(japanese)).toBe(japanese);
	});

	it('is idempotent on Simplified text', async () => {
		const convert = await simplifiedConverter();
		expect(convert('甚至出现交易几乎停滞的情况')).toBe('甚至出现交易几乎停滞的情况');
	});
});
