import { describe, expect, it } from 'vitest';
import { findLanguage, getLanguage, LANGUAGES, LANGUAGE_CODES } from '$lib/core/languages';
import { dtw, medianFilter, mergePunctuations, splitWords, type WordTiming } from '$lib/engine/decoding/alignment';
import { compressionRatio } from '$lib/engine/decoding/compression';
import { applyRules, applyTimestampRules, logSumExp, sample, seededRandom, suppressTokens, topKInto } from '$lib/engine/decoding/logits';
import { continueLoop, LoopDetector } from '$lib/engine/decoding/repetition';
import { permuteRowsInPlace, type EncodedWindow, type KvCache, type StepOutput, type WhisperRuntime } from '$lib/engine/decoding/runtime';
import { search, type SearchOptions } from '$lib/engine/decoding/search';
import { splitByTimestamps } from '$lib/engine/decoding/segments';
import { buildPrompt, readSpecialTokens, sotSequence, type SpecialTokens } from '$lib/engine/decoding/tokens';
import { loopFailsAtLimit, needsFallback } from '$lib/engine/decoding/window';
import { temperatureLadder } from '$lib/engine/transcribe';

/** A toy vocabulary: text 0..9, eot 10, sot 11, sot_prev 12, nospeech 13, notimestamps 14, timestamps 15..24. */
const specials: SpecialTokens = {
	sot: 11,
	eot: 10,
	sotPrev: 12,
	noTimestamps: 14,
	timestampBegin: 15,
	noSpeech: 13,
	languages: new Map([
		['en', 20_000],
		['de', 20_001]
	]),
	transcribe: 30_000,
	translate: 30_001,
	suppress: [3, 11, 12, 13],
	beginSuppress: [0, 10],
	maxInitialTimestampIndex: 2,
	maxLength: 448,
	multilingual: true
};
const VOCAB = 25;
const ts = (step: number) => specials.timestampBegin + step;
const allowed = (logits: Float32Array) => [...logits.keys()].filter((i) => logits[i] !== -Infinity);
const flat = () => new Float32Array(VOCAB);

describe('logit rules', () => {
	it('suppresses the configured ids, and blank/eot only as the first token', () => {
		const first = flat();
		suppressTokens(first, { tokens: specials, sampled: [], timestamps: true });
		expect(allowed(first)).not.toContain(3);
		expect(allowed(first)).not.toContain(0);
		expect(allowed(first)).not.toContain(10);
		const later = flat();
		suppressTokens(later, { tokens: specials, sampled: [ts(0), 5], timestamps: true });
		expect(allowed(later)).toContain(0);
		expect(allowed(later)).toContain(10);
		expect(allowed(later)).not.toContain(12);
	});

	it('starts with a timestamp no later than max_initial_timestamp', () => {
		const logits = flat();
		applyTimestampRules(logits, { tokens: specials, sampled: [], timestamps: true });
		expect(allowed(logits)).toEqual([ts(0), ts(1), ts(2)]);
	});

	it('follows a timestamp pair with text, and a lone timestamp with a timestamp or eot', () => {
		const afterPair = flat();
		applyTimestampRules(afterPair, { tokens: specials, sampled: [ts(0), 5, ts(3), ts(3)], timestamps: true });
		expect(allowed(afterPair).every((id) => id < specials.timestampBegin)).toBe(true);
		const afterOne = flat();
		afterOne[10] = 5; // eot likelier than all timestamps together, so they are not forced
		applyTimestampRules(afterOne, { tokens: specials, sampled: [ts(0), 5, ts(3)], timestamps: true });
		// Text is out; eot and timestamps from the closing one on are in; notimestamps never.
		expect(allowed(afterOne)).toEqual([10, 11, 12, 13, ts(3), ts(4), ts(5), ts(6), ts(7), ts(8), ts(9)]);
	});

	it('never lets timestamps go backwards or a segment be empty', () => {
		const logits = flat();
		applyTimestampRules(logits, { tokens: specials, sampled: [ts(0), 5, ts(4), ts(4), 6], timestamps: true });
		expect(allowed(logits).filter((id) => id >= specials.timestampBegin)).toEqual([ts(5), ts(6), ts(7), ts(8), ts(9)]);
	});

	it('forces a timestamp when timestamps together outweigh every text token', () => {
		const logits = flat().fill(-5);
		for (let i = specials.timestampBegin; i < VOCAB; i++) logits[i] = 0;
		logits[5] = 1; // likelier than any one timestamp, less than all of them together
		const normalizer = applyRules(logits, { tokens: specials, sampled: [ts(0), 5, 6], timestamps: true });
		expect(allowed(logits).every((id) => id >= specials.timestampBegin)).toBe(true);
		// What the search subtracts to get log-probabilities: the edited row's log-sum-exp.
		expect(normalizer).toBeCloseTo(logSumExp(logits), 5);
	});

	it('returns the log-sum-exp of the row it leaves, whichever rule applied', () => {
		for (const sampled of [[], [ts(0), 5], [ts(0), 5, ts(3)]]) {
			const logits = flat().map((_, i) => Math.sin(i));
			expect(applyRules(logits, { tokens: specials, sampled, timestamps: true })).toBeCloseTo(logSumExp(logits), 5);
			const plain = flat().map((_, i) => Math.cos(i));
			expect(applyRules(plain, { tokens: specials, sampled, timestamps: false })).toBeCloseTo(logSumExp(plain), 5);
		}
	});

	it('suppresses all timestamps in no-timestamp mode', () => {
		const logits = flat();
		applyTimestampRules(logits, { tokens: specials, sampled: [], timestamps: false });
		expect(allowed(logits).some((id) => id >= specials.noTimestamps)).toBe(false);
	});

	it('logSumExp and topKInto', () => {
		expect(logSumExp([0, 0])).toBeCloseTo(Math.log(2));
		expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
		const best = new Int32Array(3);
		expect(topKInto([1, 5, -Infinity, 3, 4], 3, best, 0)).toBe(3);
		expect([...best]).toEqual([1, 4, 3]);
	});

	it("topKInto picks what a stable sort's first k are, ties in index order, -Infinity never", () => {
		const random = seededRandom(7);
		for (let round = 0; round < 200; round++) {
			// Few distinct values, so that ties are many; some entries suppressed.
			const row = Float32Array.from({ length: 1 + Math.floor(random() * 60) }, () =>
				random() < 0.2 ? -Infinity : Math.floor(random() * 8)
			);
			const k = 1 + Math.floor(random() * 6);
			const expected = [...row.keys()]
				.filter((i) => row[i] !== -Infinity)
				.sort((a, b) => row[b]! - row[a]! || a - b)
				.slice(0, k);
			const out = new Int32Array(3 + k).fill(-1);
			const found = topKInto(row, k, out, 3);
			expect(found).toBe(expected.length);
			expect([...out.subarray(3, 3 + found)]).toEqual(expected);
		}
	});
});

describe('segments from timestamp tokens', () => {
	const B = 1000;
	it('cuts at pairs and seeks to the last complete segment', () => {
		// <|0.00|> a b <|2.00|><|2.00|> c <|5.00|><|5.00|> d (cut off)
		const tokens = [B, 1, 2, B + 100, B + 100, 3, B + 250, B + 250, 4];
		const split = splitByTimestamps(tokens, B, 10, 3000);
		expect(split.segments.map((s) => [s.start, s.end])).toEqual([
			[10, 12],
			[12, 15]
		]);
		expect(split.segments[0]!.tokens).toEqual([B, 1, 2, B + 100]);
		expect(split.advance).toBe(500);
		expect(split.singleTimestampEnding).toBe(false);
	});

	it('consumes the whole window after a lone final timestamp', () => {
		const tokens = [B, 1, B + 100, B + 100, 2, B + 300];
		const split = splitByTimestamps(tokens, B, 0, 3000);
		expect(split.segments.map((s) => [s.start, s.end])).toEqual([
			[0, 2],
			[2, 6]
		]);
		expect(split.advance).toBe(3000);
		expect(split.singleTimestampEnding).toBe(true);
	});

	it('makes one segment when there is no pair', () => {
		const split = splitByTimestamps([B, 1, 2, B + 150], B, 30, 1200);
		expect(split.segments).toEqual([{ start: 30, end: 33, tokens: [B, 1, 2, B + 150] }]);
		expect(split.advance).toBe(1200);
		const untimed = splitByTimestamps([1, 2], B, 30, 1200);
		expect(untimed.segments[0]!.end).toBe(42);
	});
});

describe('prompt layout', () => {
	it('puts previous text after <|startofprev|>, capped at half the context', () => {
		const previous = Array.from({ length: 300 }, (_, i) => i);
		const prompt = buildPrompt(specials, previous, [11, 20_001, 30_000]);
		expect(prompt[0]).toBe(specials.sotPrev);
		expect(prompt.length).toBe(1 + 223 + 3);
		expect(prompt.slice(-4)).toEqual([299, 11, 20_001, 30_000]);
		expect(buildPrompt(specials, [], [11], true)).toEqual([11, 14]);
	});

	it('builds the SOT sequence for multilingual and English-only models', () => {
		expect(sotSequence(specials, 'de', 'translate')).toEqual([11, 20_001, 30_001]);
		expect(sotSequence({ ...specials, multilingual: false }, null, 'translate')).toEqual([11]);
		expect(() => sotSequence(specials, 'xx', 'transcribe')).toThrow(RangeError);
	});

	it('reads the special tokens from a generation config', () => {
		const lookup = (t: string) => ({ '<|nocaptions|>': 50361, '<|startoflm|>': 50359 })[t];
		const read = readSpecialTokens(
			{
				decoder_start_token_id: 50257,
				eos_token_id: 50256,
				no_timestamps_token_id: 50362,
				prev_sot_token_id: 50360,
				suppress_tokens: [1, 2],
				is_multilingual: false
			},
			lookup
		);
		expect(read).toMatchObject({ sot: 50257, eot: 50256, noSpeech: 50361, timestampBegin: 50363, multilingual: false });
		expect(read.suppress).toEqual(expect.arrayContaining([1, 2, 50257, 50360, 50359, 50361]));
	});
});

describe('fallback rules', () => {
	const thresholds = { compressionRatioThreshold: 2.4, logProbThreshold: -1, noSpeechThreshold: 0.6 };
	it('retries on repetition or low confidence, but not on silence', () => {
		expect(needsFallback({ avgLogprob: -0.2, compressionRatio: 1.5, noSpeechProb: 0.1 }, thresholds)).toBe(false);
		expect(needsFallback({ avgLogprob: -0.2, compressionRatio: 3, noSpeechProb: 0.1 }, thresholds)).toBe(true);
		expect(needsFallback({ avgLogprob: -1.5, compressionRatio: 1.5, noSpeechProb: 0.1 }, thresholds)).toBe(true);
		expect(needsFallback({ avgLogprob: -1.5, compressionRatio: 1.5, noSpeechProb: 0.9 }, thresholds)).toBe(false);
	});

	it('retries a decode stopped in a loop, like a too-compressible one, unless that check is off', () => {
		const looped = { avgLogprob: -0.2, compressionRatio: 1.5, noSpeechProb: 0.1, loopPeriod: 6 };
		expect(needsFallback(looped, thresholds)).toBe(true);
		expect(needsFallback(looped, { ...thresholds, compressionRatioThreshold: null })).toBe(false);
		// Stopped early, its log-probability is not the one it would have reached: it is not taken for silence.
		expect(needsFallback({ ...looped, avgLogprob: -1.5, noSpeechProb: 0.9 }, thresholds)).toBe(true);
	});

	it('decodes a late loop again to the limit when, continued there, it would pass the compression check', async () => {
		// A word of its own for each token before the loop (as varied as speech), the loop's words after.
		const decodeText = (tokens: number[]) =>
			tokens.map((t, i) => (t < 1000 ? (Math.imul(i + 1, 2654435761) >>> 0).toString(36) : `loop${t}`)).join(' ');
		const stretch = [1001, 1002, 1003, 1004];
		const early = [1, 2, 3, ...Array.from({ length: 10 }, () => stretch).flat()];
		const late = [...Array.from({ length: 180 }, (_, i) => i), ...Array.from({ length: 10 }, () => stretch).flat()];
		expect(await loopFailsAtLimit(early, 4, 224, decodeText, 2.4)).toBe(true);
		expect(await loopFailsAtLimit(late, 4, 224, decodeText, 2.4)).toBe(false);
	});

	it('turns the temperature option into a ladder', () => {
		expect(temperatureLadder(undefined)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
		expect(temperatureLadder(0.4)).toEqual([0.4, 0.6, 0.8, 1]);
		expect(temperatureLadder([0])).toEqual([0]);
		expect(() => temperatureLadder(-1)).toThrow(RangeError);
	});

	it('samples the same tokens from the same seed, and different ones from another', () => {
		const logits = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i) * 2);
		const draw = (seed: number) => {
			const random = seededRandom(seed);
			return Array.from({ length: 20 }, () => sample(logits, 1, random));
		};
		expect(draw(3000)).toEqual(draw(3000));
		expect(draw(3000)).not.toEqual(draw(6000));
		const random = seededRandom(0);
		for (let i = 0; i < 1000; i++) expect(random()).toSatisfy((r: number) => r >= 0 && r < 1);
	});
});

describe('repetition loops', () => {
	// Token ids as in base's vocabulary, whose timestamps start at 50364.
	const pushAll = (tokens: readonly number[], timestampBegin = 50_364) => {
		const detector = new LoopDetector(224, timestampBegin);
		return tokens.findIndex((token) => detector.push(token) > 0);
	};

	it("stops base's loop on the 10-minute file once 40 tokens are one stretch repeated", () => {
		// "... the world's fresh, and the world's fresh, and ..." (window 21, base q8, T = 0).
		const stretch = [264, 1002, 311, 4451, 11, 293];
		const tokens = [334, 533, 486, 312, ...Array.from({ length: 20 }, () => stretch).flat()];
		// The first index at which the last 40 tokens are the 6-token stretch repeated.
		expect(pushAll(tokens)).toBe(4 + 40 - 1);
		const detector = new LoopDetector(224, 50_364);
		expect(
			tokens
				.slice(0, 4 + 40)
				.map((token) => detector.push(token))
				.at(-1)
		).toBe(6);
	});

	it('needs 40 tokens and four copies, within 40-token stretches', () => {
		expect(pushAll(new Array(39).fill(5))).toBe(-1);
		expect(pushAll(new Array(40).fill(5))).toBe(39);
		// "no, no, no, no," in speech: four copies, but 8 tokens.
		expect(pushAll([7, 5, 6, 5, 6, 5, 6, 5, 6, 8, 9])).toBe(-1);
		// Three copies of a 15-token stretch: 45 tokens, not four copies.
		const fifteen = Array.from({ length: 15 }, (_, i) => 100 + i);
		expect(pushAll([...fifteen, ...fifteen, ...fifteen, 99])).toBe(-1);
		// Three copies of a 20-token stretch: 60 tokens, not four copies.
		const twenty = Array.from({ length: 20 }, (_, i) => 100 + i);
		expect(pushAll([...twenty, ...twenty, ...twenty])).toBe(-1);
		expect(pushAll([...twenty, ...twenty, ...twenty, ...twenty])).toBe(79);
		// A stretch longer than 40 tokens is not looked for.
		const long = Array.from({ length: 41 }, (_, i) => 100 + i);
		expect(pushAll([long, long, long, long, long].flat())).toBe(-1);
	});

	it('counts a loop of whole segments whose timestamps move on', () => {
		const segment = (start: number) => [ts(start), 1, 2, 4, 5, 6, 7, 8, 9, ts(start + 1)];
		const tokens = Array.from({ length: 5 }, (_, i) => segment(i * 2)).flat();
		expect(pushAll(tokens, specials.timestampBegin)).toBe(39);
	});

	it('continues a loop to the token limit', () => {
		expect(continueLoop([9, 1, 2, 3, 1, 2, 3], 3, 12)).toEqual([9, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2]);
		expect(continueLoop([1, 2, 3], 1, 2)).toEqual([1, 2]);
	});

	it('never fires on text that does not repeat', () => {
		const text = Array.from({ length: 224 }, (_, i) => (i * 7919) % 50_000);
		expect(pushAll(text)).toBe(-1);
	});
});

/**
 * A scripted decoder for the search's bookkeeping: the cache keeps each row's fed tokens, so a
 * row given another row's cache would come out with the wrong tokens, and every step's batch
 * size is recorded.
 */
class ScriptedDecoder {
	readonly batches: number[] = [];
	/** The rows' first tokens, as fed to the first step after the prompt. */
	firstTokens: number[] = [];
	constructor(
		readonly first: Float32Array,
		readonly next: (fed: readonly number[]) => number
	) {}

	async step(_window: EncodedWindow, ids: number[][], cache: KvCache | null, positions?: readonly number[]): Promise<StepOutput> {
		const rows = ((cache as unknown as { rows?: number[][] } | null)?.rows ?? ids.map(() => [])) as number[][];
		const prompt = cache === null;
		if (!prompt) this.batches.push(ids.length);
		if (this.batches.length === 1 && !prompt) this.firstTokens = ids.map((fed) => fed[0]!);
		const logits = ids.map((fed, row) => {
			if (prompt) return this.first;
			rows[row]!.push(...fed);
			const out = new Float32Array(VOCAB).fill(-1e9);
			out[this.next(rows[row]!)] = 0;
			return out;
		});
		return {
			batch: ids.length,
			positions: ids[0]!.length,
			logitsAt: (row, position) => (prompt && position !== positions?.at(-1) ? flat() : logits[row]!),
			cache: { rows, dispose() {} } as unknown as KvCache
		};
	}

	async selectRows(cache: KvCache, picked: number[]): Promise<KvCache> {
		const { rows } = cache as unknown as { rows: number[][] };
		return { rows: picked.map((row) => [...rows[row]!]), dispose() {} } as unknown as KvCache;
	}
}

describe('sampling search', () => {
	const prompt = [specials.sot, specials.noTimestamps];
	const base: SearchOptions = { temperature: 0, beamSize: 1, bestOf: 5, timestamps: false, stopLoops: true };
	const run = (decoder: ScriptedDecoder, options: Partial<SearchOptions>) =>
		search(decoder as unknown as WhisperRuntime, {} as EncodedWindow, specials, prompt, { ...base, ...options });

	it('drops a sampled row from the batch when it ends, and keeps every row its own cache', async () => {
		// The first token (2..6, sampled) is how long the row is: that many tokens, then end-of-text.
		const first = new Float32Array(VOCAB).fill(-1e9);
		for (const token of [2, 3, 4, 5, 6]) first[token] = 0;
		const decoder = new ScriptedDecoder(first, (fed) => (fed.length < fed[0]! ? 1 : specials.eot));
		const result = await run(decoder, { temperature: 1, random: seededRandom(7) });
		const longest = result.tokens[0]!;
		expect(result.tokens).toEqual([longest, ...new Array(longest - 1).fill(1)]);
		// Every step ran the rows still going, and no more: the batch only shrinks.
		expect(decoder.batches[0]).toBe(5);
		expect(decoder.batches.length).toBe(longest);
		expect(decoder.batches.every((size, i) => i === 0 || size <= decoder.batches[i - 1]!)).toBe(true);
		expect(decoder.batches.at(-1)).toBeLessThan(5);
	});

	it('ends a sampled decode when one row loops, and returns that row, while the others still go on', async () => {
		// A row that starts with 6 loops (7 8 7 8 ...); the others end after as many tokens as their first.
		const first = new Float32Array(VOCAB).fill(-1e9);
		for (const token of [2, 3, 4, 5, 6]) first[token] = 0;
		const next = (fed: readonly number[]) => (fed[0] === 6 ? 7 + (fed.length % 2) : fed.length < fed[0]! ? 1 : specials.eot);
		const decoder = new ScriptedDecoder(first, next);
		const result = await run(decoder, { temperature: 1, random: seededRandom(7) });
		expect(decoder.firstTokens).toContain(6);
		expect(decoder.firstTokens.some((token) => token !== 6)).toBe(true);
		expect(result.tokens[0]).toBe(6);
		expect(result.loopPeriod).toBe(2);
		expect(result.tokens.length).toBeLessThan(45);
		expect(decoder.batches.length).toBeLessThan(45);
	});

	it('stops a greedy decode that loops, and lets it run to the token limit when told not to', async () => {
		const first = new Float32Array(VOCAB).fill(-1e9);
		first[4] = 0;
		// 4 5 6 7 4 5 6 7 ...
		const loop = (fed: readonly number[]) => 4 + (fed.length % 4);
		const stopped = await run(new ScriptedDecoder(first, loop), {});
		expect(stopped.loopPeriod).toBe(4);
		expect(stopped.tokens.length).toBe(40);
		const full = await run(new ScriptedDecoder(first, loop), { stopLoops: false });
		expect(full.loopPeriod).toBe(0);
		expect(full.tokens.length).toBe(224);
	});
});

describe('compression ratio', () => {
	it('matches Python zlib.compress for repetitive text', async () => {
		// len(t) / len(zlib.compress(t)) in CPython for this string: 59 / 17.
		expect(await compressionRatio('hello hello hello hello hello hello hello hello hello hello')).toBeCloseTo(59 / 17, 5);
	});
	it('is low for ordinary speech and high for loops', async () => {
		const normal = await compressionRatio('And so my fellow Americans, ask not what your country can do for you.');
		const loop = await compressionRatio('I am sorry. '.repeat(30));
		expect(normal).toBeLessThan(2.4);
		expect(loop).toBeGreaterThan(2.4);
		expect(await compressionRatio('')).toBe(0);
	});
});

describe('language table', () => {
	it('has Whisper’s 100 languages, once each', () => {
		expect(LANGUAGES).toHaveLength(100);
		expect(new Set(LANGUAGE_CODES).size).toBe(100);
		expect(LANGUAGES[0]).toEqual({ code: 'en', name: 'english' });
		expect(LANGUAGES.at(-1)).toEqual({ code: 'yue', name: 'cantonese' });
	});
	it('looks up codes, names and aliases in any case', () => {
		expect(getLanguage('DE').code).toBe('de');
		expect(getLanguage('German').code).toBe('de');
		expect(getLanguage('castilian').code).toBe('es');
		expect(getLanguage('Mandarin').code).toBe('zh');
		expect(getLanguage('haitian creole').code).toBe('ht');
		expect(findLanguage('klingon')).toBeUndefined();
	});
	it('rejects unknown languages with the valid codes', () => {
		expect(() => getLanguage('klingon')).toThrow(RangeError);
		expect(() => getLanguage('klingon')).toThrow(/af, am, ar/);
	});
});

describe('word alignment helpers', () => {
	it('median filter reflects at the edges', () => {
		expect([...medianFilter(new Float32Array([1, 9, 2, 8, 3]), 3)]).toEqual([1, 2, 8, 3, 3]);
	});
	it("median filter of Whisper's width 7 equals sorting each reflected window", () => {
		// Attention z-scores: negatives, repeats and a row shorter than the window's span.
		for (const length of [4, 5, 31, 1500]) {
			const row = Float32Array.from({ length }, (_, i) => Math.round(Math.sin(i * 7.3) * 20) / 4);
			const expected = Array.from(row, (_, i) => {
				const window = Array.from({ length: 7 }, (_, k) => {
					let j = i + k - 3;
					if (j < 0) j = -j - 1;
					else if (j >= length) j = 2 * length - j - 1;
					return row[j]!;
				});
				return window.sort((a, b) => a - b)[3]!;
			});
			expect([...medianFilter(row, 7)]).toEqual(length <= 3 ? [...row] : expected);
		}
	});
	it('DTW follows the cheap diagonal', () => {
		// 2 tokens × 4 frames: token 0 cheap on frames 0-1, token 1 on frames 2-3.
		const cost = new Float32Array([0, 0, 9, 9, 9, 9, 0, 0]);
		const { textIndices, timeIndices } = dtw(cost, 2, 4);
		expect(textIndices).toEqual([0, 0, 1, 1]);
		expect(timeIndices).toEqual([0, 1, 2, 3]);
	});
	it('groups tokens into words at spaces and punctuation', () => {
		const pieces: Record<number, string> = { 1: ' Hel', 2: 'lo', 3: ',', 4: ' world', 10: '<|endoftext|>' };
		const decode = (ids: number[]) => ids.map((id) => pieces[id]).join('');
		expect(splitWords([1, 2, 3, 4, 10], 10, decode, 'en').map((w) => w.word)).toEqual([' Hello', ',', ' world', '<|endoftext|>']);
		expect(splitWords([1, 2], 10, decode, 'ja').map((w) => w.word)).toEqual([' Hel', 'lo']);
	});
	it('merges punctuation into its neighbours', () => {
		const w = (word: string): WordTiming => ({ word, tokens: [word.length], start: 0, end: 1, probability: 1 });
		const alignment = [w(' "'), w('Hi'), w(','), w(' you'), w('.')];
		mergePunctuations(alignment);
		expect(alignment.map((a) => a.word)).toEqual(['', ' "Hi,', '', ' you.', '']);
	});
});

describe('beam cache rows', () => {
	it('moves rows in place, reading every source before it is overwritten', () => {
		const rows = (data: Float32Array) => Array.from({ length: data.length / 2 }, (_, i) => Array.from(data.subarray(i * 2, i * 2 + 2)));
		const data = Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
		permuteRowsInPlace(data, 5, [1, 0, 0, 4, 3]);
		expect(rows(data)).toEqual([
			[1, 1],
			[0, 0],
			[0, 0],
			[4, 4],
			[3, 3]
		]);
		const same = Float32Array.from([5, 6, 7, 8]);
		permuteRowsInPlace(same, 2, [0, 1]);
		expect(Array.from(same)).toEqual([5, 6, 7, 8]);
	});
});
