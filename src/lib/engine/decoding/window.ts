/**
 * @file Decodes one 30 s window with temperature fallback, as faster-whisper's
 * `generate_with_fallback` does: retry hotter when the text repeats itself (compression ratio, or
 * a loop caught while decoding) or the model is unsure (average log-probability), unless the
 * window is silence.
 */
import { compressionRatio } from './compression';
import type { EncodedWindow, WhisperRuntime } from './runtime';
import { continueLoop } from './repetition';
import { sampleLimit, search, type SearchResult } from './search';
import type { SpecialTokens } from './tokens';

export interface WindowOptions {
	temperatures: readonly number[];
	beamSize: number;
	bestOf: number;
	compressionRatioThreshold: number | null;
	logProbThreshold: number | null;
	noSpeechThreshold: number | null;
	timestamps: boolean;
	signal?: AbortSignal;
	random?: () => number;
}

/**
 * Whisper's fallback thresholds (openai/whisper's and faster-whisper's defaults). The beams and
 * temperatures are transcription options (core/options.ts).
 */
export const WINDOW_THRESHOLDS: Readonly<Omit<WindowOptions, 'temperatures' | 'beamSize' | 'signal' | 'random'>> = Object.freeze({
	bestOf: 5,
	compressionRatioThreshold: 2.4,
	logProbThreshold: -1,
	noSpeechThreshold: 0.6,
	timestamps: true
});

export interface WindowResult extends SearchResult {
	text: string;
	avgLogprob: number;
	compressionRatio: number;
	/** The temperature of the decode kept; the last one tried when every decode failed. */
	temperature: number;
}

/** Why a decode is not good enough (pure, so the thresholds can be tested alone). */
export function needsFallback(
	result: Pick<WindowResult, 'avgLogprob' | 'compressionRatio' | 'noSpeechProb'> & Partial<Pick<WindowResult, 'loopPeriod'>>,
	options: Pick<WindowOptions, 'compressionRatioThreshold' | 'logProbThreshold' | 'noSpeechThreshold'>
): boolean {
	const { compressionRatioThreshold: cr, logProbThreshold: lp, noSpeechThreshold: ns } = options;
	// A decode stopped in a loop (repetition.ts) would have run on to the token limit and failed
	// the compression check. Its log-probability is not the one it would have reached there, so
	// it cannot vouch for silence either.
	if (cr !== null && (result.loopPeriod ?? 0) > 0) return true;
	const unsure = lp !== null && result.avgLogprob < lp;
	// A confident "no speech" with low log-probability is silence, not a failed decode.
	if (unsure && ns !== null && result.noSpeechProb > ns) return false;
	return (cr !== null && result.compressionRatio > cr) || unsure;
}

/**
 * Whether a decode stopped in a loop would still fail the compression check had it run to the
 * token limit. One that starts to loop late (a stretch repeated from token 180 of 224) may not:
 * openai and faster-whisper keep such a decode, so the window decodes it again to the limit.
 */
export async function loopFailsAtLimit(
	tokens: readonly number[],
	period: number,
	limit: number,
	decodeText: (tokens: number[]) => string,
	threshold: number
): Promise<boolean> {
	return (await compressionRatio(decodeText(continueLoop(tokens, period, limit)).trim())) > threshold;
}

export async function decodeWindow(
	runtime: WhisperRuntime,
	window: EncodedWindow,
	specials: SpecialTokens,
	prompt: readonly number[],
	decodeText: (tokens: number[]) => string,
	options: WindowOptions
): Promise<WindowResult> {
	const tried: WindowResult[] = [];
	const cr = options.compressionRatioThreshold;
	const limit = sampleLimit(specials, prompt);
	for (const temperature of options.temperatures) {
		// Loops are stopped early only where the compression check would reject them anyway.
		let found = await search(runtime, window, specials, prompt, { ...options, temperature, stopLoops: cr !== null });
		if (cr !== null && found.loopPeriod > 0 && !(await loopFailsAtLimit(found.tokens, found.loopPeriod, limit, decodeText, cr))) {
			found = await search(runtime, window, specials, prompt, { ...options, temperature, stopLoops: false });
		}
		const text = decodeText(found.tokens);
		const result: WindowResult = {
			...found,
			text,
			temperature,
			// faster-whisper divides by the token count plus one for the end-of-text.
			avgLogprob: found.sumLogprob / (found.tokens.length + 1),
			compressionRatio: await compressionRatio(text.trim())
		};
		if (!needsFallback(result, options)) return result;
		tried.push(result);
	}
	// Every temperature failed: keep the likeliest decode that does not loop, if any.
	const pool = cr === null ? tried : tried.filter((r) => r.loopPeriod === 0 && r.compressionRatio <= cr);
	const best = (pool.length > 0 ? pool : tried).reduce((a, b) => (b.avgLogprob > a.avgLogprob ? b : a));
	return { ...best, temperature: options.temperatures.at(-1)! };
}
