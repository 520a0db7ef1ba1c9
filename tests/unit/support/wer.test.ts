import { describe, expect, it } from 'vitest';
import { normalizeWords, wordErrorRate } from '../../support/wer';

describe('word error rate', () => {
	it('ignores case and punctuation', () => {
		expect(normalizeWords('And so, my fellow Americans!')).toEqual(['and', 'so', 'my', 'fellow', 'americans']);
		expect(wordErrorRate('Ask not what your country can do.', 'ask not what your country can do')).toBe(0);
	});

	it('counts substitutions, insertions and deletions', () => {
		expect(wordErrorRate('a b c d', 'a x c d')).toBe(0.25);
		expect(wordErrorRate('a b c d', 'a b c d e')).toBe(0.25);
		expect(wordErrorRate('a b c d', 'a c d')).toBe(0.25);
		expect(wordErrorRate('a b', '')).toBe(1);
	});
});
