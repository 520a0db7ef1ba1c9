/**
 * @file Word error rate: word-level edit distance over the reference's word count, after the
 * usual normalisation (case, punctuation and spacing do not count as errors).
 */

export function normalizeWords(text: string): string[] {
	return text
		.toLowerCase()
		.replace(/[\u2019']/g, '') // "country's" and "countrys" are the same word to a listener
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim()
		.split(' ')
		.filter(Boolean);
}

export function wordErrorRate(reference: string, hypothesis: string): number {
	const ref = normalizeWords(reference);
	const hyp = normalizeWords(hypothesis);
	if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
	// One row of the Levenshtein table at a time.
	let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
	for (let i = 1; i <= ref.length; i++) {
		const current = [i];
		for (let j = 1; j <= hyp.length; j++) {
			const substitution = previous[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
			current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
		}
		previous = current;
	}
	return previous[hyp.length]! / ref.length;
}

/** Character error rate, for languages written without spaces (Chinese, Japanese). */
export function characterErrorRate(reference: string, hypothesis: string): number {
	const chars = (text: string) => normalizeWords(text).join('').split('').join(' ');
	return wordErrorRate(chars(reference), chars(hypothesis));
}
