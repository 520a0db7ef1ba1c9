/**
 * @file One decode of one 30 s window at one temperature: greedy, sampling (best of N) or beam
 * search, as openai/whisper `decoding.py` runs them. The prompt goes through the decoder once;
 * each further step feeds only the new tokens and reuses the KV cache.
 */
import { throwIfAborted } from './abort';
import { applyRules, argmax, logSumExp, sample, topK } from './logits';
import { disposeCache, type EncodedWindow, type KvCache, type WhisperRuntime } from './runtime';
import type { SpecialTokens } from './tokens';

export interface SearchOptions {
	temperature: number;
	/** Beams at temperature 0; 1 is greedy. */
	beamSize: number;
	/** Independent samples at temperature > 0, the likeliest kept. */
	bestOf: number;
	timestamps: boolean;
	signal?: AbortSignal;
	random?: () => number;
}

export interface SearchResult {
	/** Sampled tokens, without the final end-of-text. */
	tokens: number[];
	/** Log-probability of each of `tokens` under the filtered distribution. */
	tokenLogprobs: number[];
	/** Sum over `tokens` and the end-of-text (when one was produced). */
	sumLogprob: number;
	/** Probability of `<|nospeech|>` at the SOT position, before any rule. */
	noSpeechProb: number;
}

/** openai's sample_len: at most half the text context is generated per window. */
const MAX_SAMPLED = 224;

interface Hypothesis {
	tokens: number[];
	tokenLogprobs: number[];
	sumLogprob: number;
	done: boolean;
}

export async function search(
	runtime: WhisperRuntime,
	window: EncodedWindow,
	specials: SpecialTokens,
	prompt: readonly number[],
	options: SearchOptions
): Promise<SearchResult> {
	throwIfAborted(options.signal);
	const first = await runtime.step(window, [[...prompt]], null);
	const sotIndex = prompt.lastIndexOf(specials.sot);
	const sotLogits = first.logitsAt(0, sotIndex);
	const noSpeechProb = Math.exp(sotLogits[specials.noSpeech]! - logSumExp(sotLogits));
	const promptLogits = first.logitsAt(0, prompt.length - 1);
	const maxSampled = Math.min(MAX_SAMPLED, specials.maxLength - prompt.length);
	const run = options.temperature === 0 && options.beamSize > 1 ? beamSearch : sampleSearch;
	const best = await run(runtime, window, specials, promptLogits, first.cache, maxSampled, options);
	return { ...best, noSpeechProb };
}

/** Greedy (temperature 0, one row) or best-of-N sampling (N rows decoded side by side). */
async function sampleSearch(
	runtime: WhisperRuntime,
	window: EncodedWindow,
	specials: SpecialTokens,
	promptLogits: Float32Array,
	promptCache: KvCache,
	maxSampled: number,
	options: SearchOptions
): Promise<Hypothesis> {
	const rows = options.temperature > 0 ? Math.max(1, options.bestOf) : 1;
	let cache = rows > 1 ? await runtime.selectRows(promptCache, new Array<number>(rows).fill(0)) : promptCache;
	const hyps: Hypothesis[] = Array.from({ length: rows }, () => ({ tokens: [], tokenLogprobs: [], sumLogprob: 0, done: false }));
	let logitRows = hyps.map((_, i) => (i === 0 ? promptLogits : promptLogits.slice()));
	try {
		for (let n = 0; n < maxSampled; n++) {
			hyps.forEach((hyp, i) => {
				if (hyp.done) return;
				const logits = logitRows[i]!;
				const normalizer = applyRules(logits, { tokens: specials, sampled: hyp.tokens, timestamps: options.timestamps });
				const token = options.temperature > 0 ? sample(logits, options.temperature, options.random) : argmax(logits);
				const logprob = logits[token]! - normalizer;
				hyp.sumLogprob += logprob;
				if (token === specials.eot) hyp.done = true;
				else {
					hyp.tokens.push(token);
					hyp.tokenLogprobs.push(logprob);
				}
			});
			if (hyps.every((h) => h.done) || n === maxSampled - 1) break;
			throwIfAborted(options.signal);
			const ids = hyps.map((h) => [h.done ? specials.eot : h.tokens.at(-1)!]);
			const out = await runtime.step(window, ids, cache);
			cache = out.cache;
			logitRows = hyps.map((_, i) => out.logitsAt(i, 0));
		}
	} finally {
		disposeCache(cache);
	}
	return rankBest(hyps);
}

/** Beam search with patience 1: stop once `beamSize` hypotheses have ended. */
async function beamSearch(
	runtime: WhisperRuntime,
	window: EncodedWindow,
	specials: SpecialTokens,
	promptLogits: Float32Array,
	promptCache: KvCache,
	maxSampled: number,
	options: SearchOptions
): Promise<Hypothesis> {
	const beamSize = options.beamSize;
	let cache = promptCache;
	// The prompt is one row; every beam starts from it, so the first step expands row 0 only.
	let live: Hypothesis[] = [{ tokens: [], tokenLogprobs: [], sumLogprob: 0, done: false }];
	let logitRows = [promptLogits];
	const finished: Hypothesis[] = [];
	try {
		for (let n = 0; n < maxSampled; n++) {
			const candidates: Array<{ source: number; token: number; logprob: number; score: number }> = [];
			live.forEach((hyp, i) => {
				const logits = logitRows[i]!;
				const normalizer = applyRules(logits, { tokens: specials, sampled: hyp.tokens, timestamps: options.timestamps });
				for (const token of topK(logits, beamSize + 1)) {
					const logprob = logits[token]! - normalizer;
					candidates.push({ source: i, token, logprob, score: hyp.sumLogprob + logprob });
				}
			});
			candidates.sort((a, b) => b.score - a.score);
			const next: Hypothesis[] = [];
			const sources: number[] = [];
			const newlyFinished: Hypothesis[] = [];
			for (const c of candidates) {
				const parent = live[c.source]!;
				if (c.token === specials.eot) {
					newlyFinished.push({ tokens: parent.tokens, tokenLogprobs: parent.tokenLogprobs, sumLogprob: c.score, done: true });
				} else {
					next.push({
						tokens: [...parent.tokens, c.token],
						tokenLogprobs: [...parent.tokenLogprobs, c.logprob],
						sumLogprob: c.score,
						done: false
					});
					sources.push(c.source);
				}
				if (next.length === beamSize) break;
			}
			for (const hyp of newlyFinished) if (finished.length < beamSize) finished.push(hyp);
			if (finished.length >= beamSize || next.length === 0 || n === maxSampled - 1) {
				if (finished.length === 0) finished.push(...next);
				break;
			}
			throwIfAborted(options.signal);
			cache = await runtime.selectRows(cache, sources);
			const out = await runtime.step(
				window,
				next.map((h) => [h.tokens.at(-1)!]),
				cache
			);
			cache = out.cache;
			live = next;
			logitRows = next.map((_, i) => out.logitsAt(i, 0));
		}
	} finally {
		disposeCache(cache);
	}
	return rankBest(finished);
}

/** openai's MaximumLikelihoodRanker without a length penalty: log-probability per token. */
function rankBest(hyps: Hypothesis[]): Hypothesis {
	let best = hyps[0]!;
	const score = (h: Hypothesis) => h.sumLogprob / Math.max(1, h.tokens.length);
	for (const h of hyps) if (score(h) > score(best)) best = h;
	return best;
}
