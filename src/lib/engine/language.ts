/**
 * @file Spoken-language detection as openai/whisper's `detect_language` does it: the first 30 s
 * through the encoder, one decoder step after <|startoftranscript|>, and a softmax over the
 * model's language tokens only.
 */
import { SAMPLE_RATE } from '../core/audio';
import { findLanguage } from '../core/languages';
import { toAudioSource, type AudioSource } from './audio-source';
import { throwIfAborted } from './decoding/abort';
import { decodingContext, type DecodingContext } from './decoding/context';
import { logSumExp } from './decoding/logits';
import { disposeCache, type EncodedWindow } from './decoding/runtime';
import { EnglishOnlyModelError } from './errors';
import type { LoadedModel } from './load';

export interface LanguageProbability {
	code: string;
	/** Lowercase English name, as openai/whisper writes it. */
	name: string;
	probability: number;
}

export interface LanguageDetection extends LanguageProbability {
	/** Every language the model knows, likeliest first. */
	ranked: LanguageProbability[];
}

/** How much audio detection reads, from the start (one Whisper window). */
export const DETECTION_SECONDS = 30;
const WINDOW_SAMPLES = DETECTION_SECONDS * SAMPLE_RATE;

export async function detectLanguage(
	loaded: LoadedModel,
	audio: Float32Array | AudioSource,
	signal?: AbortSignal
): Promise<LanguageDetection> {
	const context = decodingContext(loaded);
	if (!context.specials.multilingual) throw new EnglishOnlyModelError(loaded.model.id);
	throwIfAborted(signal);
	const source = toAudioSource(audio);
	const samples = await source.getSamples(0, Math.min(WINDOW_SAMPLES, source.length));
	const window = await context.runtime.encode(await context.runtime.features(samples));
	try {
		throwIfAborted(signal);
		return await detectInWindow(context, window);
	} finally {
		window.dispose();
	}
}

/** Detection on a window that is already encoded (the long-form loop's first window). */
export async function detectInWindow(context: DecodingContext, window: EncodedWindow): Promise<LanguageDetection> {
	const { runtime, specials } = context;
	const step = await runtime.step(window, [[specials.sot]], null);
	const logits = step.logitsAt(0, 0);
	const entries = [...specials.languages];
	const norm = logSumExp(entries.map(([, id]) => logits[id]!));
	const ranked = entries
		.map(([code, id]) => ({ code, name: findLanguage(code)?.name ?? code, probability: Math.exp(logits[id]! - norm) }))
		.sort((a, b) => b.probability - a.probability);
	disposeCache(step.cache);
	return { ...ranked[0]!, ranked };
}
