/**
 * @file Decodes one 30 s window with temperature fallback, as faster-whisper's
 * `generate_with_fallback` does: retry hotter when the text repeats itself (compression ratio, or
 * a loop caught while decoding) or the model is unsure (average log-probability), unless the
 * window is silence.
 */
import { compressionRatio } from './compression';
import type { EncodedWindow, WhisperRuntime } from './runtime';
import { search, type SearchResult } from './search';
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
	result: Pick<WindowResult, 'avgLogprob' | 'compressionRatio' | 'noSpeechProb'> & Partial<Pick<WindowResult, 'looped'>>,
	options: Pick<WindowOptions, 'compressionRatioThreshold' | 'logProbThreshold' | 'noSpeechThreshold'>
): boolean {
	const { compressionRatioThreshold: cr, logProbThreshold: lp, noSpeechThreshold: ns } = options;
	const unsure = lp !== null && result.avgLogprob < lp;
	// A confident "no speech" with low log-probability is silence, not a failed decode.
	if (unsure && ns !== null && result.noSpeechProb > ns) return false;
	// A decode stopped in a loop (repetition.ts) would have run on to the token limit and failed here.
	return (cr !== null && (result.looped === true || result.compressionRatio > cr)) || unsure;
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
	// Loops are stopped early only where the compression check would reject them anyway.
	const stopLoops = options.compressionRatioThreshold !== null;
	for (const temperature of options.temperatures) {
		const found = await search(runtime, window, specials, prompt, { ...options, temperature, stopLoops });
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
	const cr = options.compressionRatioThreshold;
	const pool = cr === null ? tried : tried.filter((r) => !r.looped && r.compressionRatio <= cr);
	const best = (pool.length > 0 ? pool : tried).reduce((a, b) => (b.avgLogprob > a.avgLogprob ? b : a));
	return { ...best, temperature: options.temperatures.at(-1)! };
}
