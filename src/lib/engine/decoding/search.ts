/**
 * @file One decode of one 30 s window at one temperature: greedy, sampling (best of N) or beam
 * search, as openai/whisper `decoding.py` runs them. The prompt goes through the decoder once;
 * each further step feeds only the new tokens and reuses the KV cache.
 */
import { throwIfAborted } from './abort';
import { applyRules, applyRulesAt, argmax, logSumExp, sample, topKInto, type RowHistory } from './logits';
import { LoopDetector } from './repetition';
import { disposeCache, type EncodedWindow, type KvCache, type WhisperRuntime } from './runtime';
import type { SpecialTokens } from './tokens';

export interface SearchOptions {
	temperature: number;
	/** Beams at temperature 0; 1 is greedy. */
	beamSize: number;
	/** Independent samples at temperature > 0, the likeliest kept. */
	bestOf: number;
	timestamps: boolean;
	/** Greedy and sampling: end the decode as soon as a row loops (repetition.ts), not at the token limit. */
	stopLoops: boolean;
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
	/** The period, in tokens, of the repetition loop the decode was stopped in; 0 when it was not. */
	loopPeriod: number;
}

/** openai's sample_len: at most half the text context is generated per window. */
const MAX_SAMPLED = 224;

/** How many tokens a decode after this prompt may generate. */
export function sampleLimit(specials: SpecialTokens, prompt: readonly number[]): number {
	return Math.min(MAX_SAMPLED, specials.maxLength - prompt.length);
}

interface Hypothesis {
	tokens: number[];
	tokenLogprobs: number[];
	sumLogprob: number;
	done: boolean;
	loopPeriod: number;
}

export async function search(
	runtime: WhisperRuntime,
	window: EncodedWindow,
	specials: SpecialTokens,
	prompt: readonly number[],
	options: SearchOptions
): Promise<SearchResult> {
	throwIfAborted(options.signal);
	const sotIndex = prompt.lastIndexOf(specials.sot);
	// Logits are read at two places only: the no-speech probability and the next token.
	const first = await runtime.step(window, [[...prompt]], null, [...new Set([sotIndex, prompt.length - 1])]);
	const sotLogits = first.logitsAt(0, sotIndex);
	const noSpeechProb = Math.exp(sotLogits[specials.noSpeech]! - logSumExp(sotLogits));
	const promptLogits = first.logitsAt(0, prompt.length - 1);
	const maxSampled = sampleLimit(specials, prompt);
	const run = options.temperature === 0 && options.beamSize > 1 ? beamSearch : sampleSearch;
	const best = await run(runtime, window, specials, promptLogits, first.cache, maxSampled, options);
	return { ...best, noSpeechProb };
}

/**
 * Greedy (temperature 0, one row) or best-of-N sampling (N rows decoded side by side). A row that
 * ends leaves the batch: the others' cache rows move up, and later steps run on the rows still
 * going, instead of feeding the ended ones end-of-text to the token limit. A row that loops ends
 * the whole decode: run on to the limit, its log-probabilities would climb towards 0 and it would
 * rank first (as loops do in openai/whisper), so this decode is already one that falls back.
 */
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
	const hyps: Hypothesis[] = Array.from({ length: rows }, () => ({
		tokens: [],
		tokenLogprobs: [],
		sumLogprob: 0,
		done: false,
		loopPeriod: 0
	}));
	const loops = options.stopLoops ? hyps.map(() => new LoopDetector(maxSampled, specials.timestampBegin)) : [];
	// The hypotheses still decoding, in the order of their rows in the cache and the logits.
	let going = hyps.map((_, i) => i);
	let logitRows = hyps.map((_, i) => (i === 0 ? promptLogits : promptLogits.slice()));
	try {
		for (let n = 0; n < maxSampled; n++) {
			going.forEach((i, row) => {
				const hyp = hyps[i]!;
				const logits = logitRows[row]!;
				const normalizer = applyRules(logits, { tokens: specials, sampled: hyp.tokens, timestamps: options.timestamps });
				const token = options.temperature > 0 ? sample(logits, options.temperature, options.random) : argmax(logits);
				const logprob = logits[token]! - normalizer;
				hyp.sumLogprob += logprob;
				if (token === specials.eot) hyp.done = true;
				else {
					hyp.tokens.push(token);
					hyp.tokenLogprobs.push(logprob);
					hyp.loopPeriod = loops[i]?.push(token) ?? 0;
					if (hyp.loopPeriod > 0) hyp.done = true;
				}
			});
			const still = going.filter((i) => !hyps[i]!.done);
			if (still.length === 0 || n === maxSampled - 1 || hyps.some((h) => h.loopPeriod > 0)) break;
			throwIfAborted(options.signal);
			if (still.length < going.length)
				cache = await runtime.selectRows(
					cache,
					still.map((i) => going.indexOf(i))
				);
			going = still;
			const out = await runtime.step(
				window,
				going.map((i) => [hyps[i]!.tokens.at(-1)!]),
				cache
			);
			cache = out.cache;
			logitRows = going.map((_, row) => out.logitsAt(row, 0));
		}
	} finally {
		disposeCache(cache);
	}
	return rankBest(hyps);
}

/**
 * Beam search with patience 1: stop once `beamSize` hypotheses have ended. The live beams sit in
 * typed arrays, [beam × maxSampled] tokens and log-probabilities plus a score and a last
 * timestamp per beam, double-buffered: a step's rules and top-k run row after row over the one
 * batch of logits, and the survivors are written into the other buffer by their source index,
 * as the decoder's cache is reordered in place. Only a hypothesis that ends becomes an object.
 */
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
	// openai takes beam_size + 1 candidates per beam, so that an ending one still leaves beam_size.
	const perBeam = beamSize + 1;
	const { eot, timestampBegin } = specials;
	let beams = new BeamRows(beamSize, maxSampled);
	let survivors = new BeamRows(beamSize, maxSampled);
	const candidates = new Candidates(beamSize * perBeam);
	const history: RowHistory = { count: 0, last: -1, penultimate: -1, lastTimestamp: -1 };
	const sources: number[] = [];
	const finished: Hypothesis[] = [];
	let cache = promptCache;
	// The prompt is one row; every beam starts from it, so the first step expands row 0 only.
	let live = 1;
	let rowLogits = (_row: number) => promptLogits;
	try {
		for (let n = 0; n < maxSampled; n++) {
			candidates.clear();
			for (let beam = 0; beam < live; beam++) {
				const logits = rowLogits(beam);
				beams.historyAt(beam, n, history);
				const normalizer = applyRulesAt(logits, specials, options.timestamps, history);
				const from = candidates.count;
				const found = topKInto(logits, perBeam, candidates.token, from);
				for (let c = from; c < from + found; c++) {
					const logprob = logits[candidates.token[c]!]! - normalizer;
					candidates.add(beam, logprob, beams.score[beam]! + logprob);
				}
			}
			const order = candidates.byScore();
			let kept = 0;
			const newlyFinished: Hypothesis[] = [];
			for (const c of order) {
				const parent = candidates.source[c]!;
				const token = candidates.token[c]!;
				if (token === eot) {
					newlyFinished.push({ ...beams.hypothesis(parent, n), sumLogprob: candidates.score[c]!, done: true, loopPeriod: 0 });
				} else {
					survivors.extend(kept, beams, parent, n, token, candidates.logprob[c]!, candidates.score[c]!, timestampBegin);
					sources[kept++] = parent;
				}
				if (kept === beamSize) break;
			}
			for (const hyp of newlyFinished) if (finished.length < beamSize) finished.push(hyp);
			if (finished.length >= beamSize || kept === 0 || n === maxSampled - 1) {
				if (finished.length === 0) for (let beam = 0; beam < kept; beam++) finished.push(survivors.hypothesis(beam, n + 1));
				break;
			}
			throwIfAborted(options.signal);
			[beams, survivors] = [survivors, beams];
			live = kept;
			sources.length = kept;
			cache = await runtime.selectRows(cache, sources);
			const out = await runtime.step(window, beams.lastTokens(live, n + 1), cache);
			cache = out.cache;
			rowLogits = (row) => out.logitsAt(row, 0);
		}
	} finally {
		disposeCache(cache);
	}
	return rankBest(finished);
}

/** The live beams of a search: tokens and log-probabilities row by row, a score and last timestamp each. */
class BeamRows {
	readonly tokens: Int32Array;
	readonly logprobs: Float32Array;
	readonly score: Float64Array;
	readonly lastTimestamp: Int32Array;
	constructor(
		beams: number,
		readonly width: number
	) {
		this.tokens = new Int32Array(beams * width);
		this.logprobs = new Float32Array(beams * width);
		this.score = new Float64Array(beams);
		this.lastTimestamp = new Int32Array(beams).fill(-1);
	}

	historyAt(beam: number, count: number, into: RowHistory): void {
		const at = beam * this.width + count;
		into.count = count;
		into.last = count >= 1 ? this.tokens[at - 1]! : -1;
		into.penultimate = count >= 2 ? this.tokens[at - 2]! : -1;
		into.lastTimestamp = this.lastTimestamp[beam]!;
	}

	/** Row `beam` becomes `parent`'s `count` tokens of `from`, plus `token`. */
	extend(
		beam: number,
		from: BeamRows,
		parent: number,
		count: number,
		token: number,
		logprob: number,
		score: number,
		timestampBegin: number
	): void {
		const to = beam * this.width;
		const source = parent * from.width;
		this.tokens.set(from.tokens.subarray(source, source + count), to);
		this.logprobs.set(from.logprobs.subarray(source, source + count), to);
		this.tokens[to + count] = token;
		this.logprobs[to + count] = logprob;
		this.score[beam] = score;
		this.lastTimestamp[beam] = token >= timestampBegin ? token : from.lastTimestamp[parent]!;
	}

	lastTokens(beams: number, count: number): number[][] {
		return Array.from({ length: beams }, (_, beam) => [this.tokens[beam * this.width + count - 1]!]);
	}

	hypothesis(beam: number, count: number): Hypothesis {
		const at = beam * this.width;
		return {
			tokens: Array.from(this.tokens.subarray(at, at + count)),
			tokenLogprobs: Array.from(this.logprobs.subarray(at, at + count)),
			sumLogprob: this.score[beam]!,
			done: false,
			loopPeriod: 0
		};
	}
}

/** One step's candidates (each beam's best tokens), in typed arrays reused from step to step. */
class Candidates {
	readonly source: Int32Array;
	readonly token: Int32Array;
	readonly logprob: Float64Array;
	readonly score: Float64Array;
	readonly #order: number[] = [];
	count = 0;
	constructor(capacity: number) {
		this.source = new Int32Array(capacity);
		this.token = new Int32Array(capacity);
		this.logprob = new Float64Array(capacity);
		this.score = new Float64Array(capacity);
	}
	clear(): void {
		this.count = 0;
	}
	/** Records the candidate whose token topKInto wrote at index `count`. */
	add(source: number, logprob: number, score: number): void {
		this.source[this.count] = source;
		this.logprob[this.count] = logprob;
		this.score[this.count] = score;
		this.count++;
	}
	/** Indices, best score first; ties keep their order (beam, then rank), as openai's stable sort does. */
	byScore(): readonly number[] {
		const order = this.#order;
		order.length = 0;
		for (let c = 0; c < this.count; c++) {
			let at = order.length;
			while (at > 0 && this.score[order[at - 1]!]! < this.score[c]!) at--;
			order.splice(at, 0, c);
		}
		return order;
	}
}

/**
 * openai's MaximumLikelihoodRanker without a length penalty: log-probability per token. A row
 * stopped in a loop ranks first (see sampleSearch).
 */
function rankBest(hyps: Hypothesis[]): Hypothesis {
	const looped = hyps.find((h) => h.loopPeriod > 0);
	if (looped) return looped;
	let best = hyps[0]!;
	const score = (h: Hypothesis) => h.sumLogprob / Math.max(1, h.tokens.length);
	for (const h of hyps) if (score(h) > score(best)) best = h;
	return best;
}
