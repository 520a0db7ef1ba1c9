/**
 * @file Sequential long-form transcription, as faster-whisper's `generate_segments` runs it: a
 * seek position moves through the audio; each 30 s window from there is encoded once, decoded
 * with fallback, cut into segments at timestamp pairs, and the seek moves to the end of the last
 * complete segment. The previous text conditions the next window. Audio is read window by window.
 */
import { SAMPLE_RATE } from '../core/audio';
import type { Segment } from '../core/transcript';
import type { AudioSource } from './audio-source';
import { throwIfAborted } from './decoding/abort';
import { assignWords, wordTimings, type TimedSegment } from './decoding/alignment';
import type { DecodingContext } from './decoding/context';
import { splitByTimestamps } from './decoding/segments';
import { seededRandom } from './decoding/logits';
import { quietFrames, snapWordsToSound } from './decoding/speech-edges';
import { buildPrompt, sotSequence } from './decoding/tokens';
import { decodeWindow, type WindowOptions } from './decoding/window';
import { detectInWindow, type LanguageDetection } from './language';

/** Mel frames per second (hop of 160 samples at 16 kHz), and per 30 s window. */
const FRAMES_PER_SECOND = SAMPLE_RATE / 160;
const WINDOW_FRAMES = 30 * FRAMES_PER_SECOND;

/**
 * The loudest sample of audio that holds no signal: -80 dBFS, about 3 steps of 16-bit audio
 * (digital silence, dither, what a codec decodes silence to). Whisper hears a window of it as
 * speech: tiny.en says " you" with a no-speech probability of 0.96 but an average log-probability
 * of -0.65, above the -1 that would let the no-speech rule drop it; conditioned on that, every
 * following silent window says " You" too, and after a few minutes of it real speech is no longer
 * heard (a 3-hour file of silence kept only the first of its three passages). So the seek moves
 * over such stretches without decoding them, up to a little before the signal comes back.
 */
export const SILENCE_PEAK = 1e-4;
/** Leading silence shorter than this is decoded as it is (Whisper hears pauses well). */
const MIN_SKIP_FRAMES = FRAMES_PER_SECOND;
/** Silence kept before the signal, so that the window opens on a pause and not mid-sound. */
const SKIP_MARGIN_FRAMES = FRAMES_PER_SECOND / 5;

/** How many of the samples, from the first, hold no signal (all below SILENCE_PEAK). */
export function leadingSilence(samples: Float32Array): number {
	for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]!) >= SILENCE_PEAK) return i;
	return samples.length;
}

/** Frames to move the seek over silence at a window's start: all of a silent window, else up to the margin; 0 to decode it. */
export function silentFramesToSkip(samples: Float32Array, windowFrames: number): number {
	const frames = Math.floor(leadingSilence(samples) / 160);
	if (frames >= windowFrames) return windowFrames;
	return frames >= MIN_SKIP_FRAMES ? frames - SKIP_MARGIN_FRAMES : 0;
}

export interface LongformOptions {
	/** A language code the model knows; null to detect it from the first window. */
	language: string | null;
	task: 'transcribe' | 'translate';
	initialPrompt?: string;
	conditionOnPreviousText: boolean;
	/** Above this temperature the previous text stops conditioning the next window (it was garbled). */
	promptResetOnTemperature: number;
	wordTimestamps: boolean;
	window: WindowOptions;
}

export interface LongformProgress {
	/** Seconds of audio the seek position has passed, and the audio's length. */
	secondsDone: number;
	secondsTotal: number;
	/** Segments finished in this window (may be empty: silence). */
	segments: Segment[];
	/** The language in use (given or detected); null for English-only models. */
	language: string | null;
}

export interface LongformResult {
	segments: Segment[];
	language: string | null;
	detection: LanguageDetection | null;
	duration: number;
}

export async function transcribeLongform(
	context: DecodingContext,
	source: AudioSource,
	options: LongformOptions,
	onProgress?: (progress: LongformProgress) => void,
	signal?: AbortSignal
): Promise<LongformResult> {
	const { runtime, specials } = context;
	const duration = source.length / SAMPLE_RATE;
	const contentFrames = Math.floor(source.length / 160);
	let language = specials.multilingual ? options.language : null;
	let detection: LanguageDetection | null = null;
	const segments: Segment[] = [];
	const allTokens: number[] = options.initialPrompt?.trim() ? context.encode(` ${options.initialPrompt.trim()}`) : [];
	let promptResetSince = 0;
	let lastSpeech = 0;
	let lastEnd = 0;
	let seek = 0;

	while (seek < contentFrames) {
		throwIfAborted(signal);
		const timeOffset = seek / FRAMES_PER_SECOND;
		const windowFrames = Math.min(WINDOW_FRAMES, contentFrames - seek);
		const samples = await source.getSamples(seek * 160, windowFrames * 160);
		const silent = silentFramesToSkip(samples, windowFrames);
		if (silent > 0) {
			// As a window the no-speech rule drops: no segment, and the prompt is kept.
			seek += silent;
			onProgress?.({ secondsDone: Math.min(duration, seek / FRAMES_PER_SECOND), secondsTotal: duration, segments: [], language });
			// Hours of silence pass without an await that yields: let the event loop (an abort, /health) in.
			await new Promise((resolve) => setTimeout(resolve, 0));
			continue;
		}
		const window = await runtime.encode(await runtime.features(samples));
		const added: Segment[] = [];
		let nextSeek: number;
		try {
			if (specials.multilingual && language === null) {
				detection = await detectInWindow(context, window);
				language = detection.code;
			}
			const sot = sotSequence(specials, language, options.task);
			const previous = allTokens.slice(promptResetSince);
			const prompt = buildPrompt(specials, previous, sot);
			const result = await decodeWindow(runtime, window, specials, prompt, context.decodeText, {
				random: seededRandom(seek),
				...options.window,
				signal
			});

			const { noSpeechThreshold: ns, logProbThreshold: lp } = options.window;
			const silent = ns !== null && result.noSpeechProb > ns && !(lp !== null && result.avgLogprob > lp);
			if (silent) {
				nextSeek = seek + windowFrames;
			} else {
				const split = splitByTimestamps(result.tokens, specials.timestampBegin, timeOffset, windowFrames);
				nextSeek = seek + split.advance;
				const timed: Array<TimedSegment & { tokens: number[] }> = split.segments.map((s) => ({
					...s,
					textTokens: s.tokens.filter((t) => t < specials.eot)
				}));
				if (options.wordTimestamps) {
					const probs = textTokenProbabilities(
						result.tokens,
						result.tokenLogprobs,
						specials.eot,
						timed.reduce((n, s) => n + s.tokens.length, 0)
					);
					const alignment = await wordTimings(
						runtime,
						window,
						specials,
						sot,
						timed.flatMap((s) => s.textTokens),
						probs,
						windowFrames,
						context.alignmentHeads,
						(ids) => context.decodeRaw(ids),
						language
					);
					lastSpeech = assignWords(timed, alignment, timeOffset, lastSpeech);
					const quiet = quietFrames(samples);
					for (const piece of timed) {
						if (!piece.words?.length) continue;
						snapWordsToSound(piece.words, quiet, timeOffset);
						piece.start = Math.max(piece.start, piece.words[0]!.start);
					}
					// A cut-off last segment is decoded again from where its last word ended.
					const lastWordEnd = timed.flatMap((s) => s.words ?? []).at(-1)?.end;
					if (!split.singleTimestampEnding && lastWordEnd !== undefined && lastWordEnd > timeOffset) {
						nextSeek = Math.round(lastWordEnd * FRAMES_PER_SECOND);
					}
				}
				for (const piece of timed) {
					const text = context.decodeText(piece.tokens);
					if (piece.start === piece.end || text.trim() === '') continue;
					const start = clamp(piece.start, lastEnd, duration);
					const end = clamp(piece.end, start, duration);
					lastEnd = end;
					const segment: Segment = {
						id: segments.length,
						seek: round3(timeOffset),
						start,
						end,
						text,
						tokens: piece.tokens,
						temperature: result.temperature,
						avgLogprob: result.avgLogprob,
						compressionRatio: result.compressionRatio,
						noSpeechProb: result.noSpeechProb
					};
					if (piece.words)
						segment.words = piece.words.map((w) => ({ ...w, start: clamp(w.start, start, end), end: clamp(w.end, start, end) }));
					segments.push(segment);
					added.push(segment);
					allTokens.push(...piece.tokens);
				}
				if (!options.conditionOnPreviousText || result.temperature > options.promptResetOnTemperature) {
					promptResetSince = allTokens.length;
				}
			}
		} finally {
			window.dispose();
		}
		// Never stand still: a decode that consumed nothing still moves past its window.
		seek = nextSeek > seek ? nextSeek : seek + windowFrames;
		onProgress?.({ secondsDone: Math.min(duration, seek / FRAMES_PER_SECOND), secondsTotal: duration, segments: added, language });
	}
	return { segments, language, detection, duration };
}

/** Probabilities of the text tokens among the first `kept` sampled tokens, in order. */
function textTokenProbabilities(tokens: readonly number[], logprobs: readonly number[], eot: number, kept: number): number[] {
	const probs: number[] = [];
	for (let i = 0; i < kept && i < tokens.length; i++) if (tokens[i]! < eot) probs.push(Math.exp(logprobs[i]!));
	return probs;
}

const clamp = (t: number, min: number, max: number) => Math.min(Math.max(t, min), Math.max(min, max));
const round3 = (t: number) => Math.round(t * 1000) / 1000;
