/**
 * @file The transcript shape that every engine produces and every writer consumes,
 * in the browser and on the server alike.
 */

/** One word with its timing, present when word timestamps were asked for. */
export interface Word {
	word: string;
	/** Seconds from the start of the media. */
	start: number;
	end: number;
	probability?: number;
}

/** One timed stretch of speech, as Whisper's timestamp tokens delimit it. */
export interface Segment {
	id: number;
	/** Seconds from the start of the media. */
	start: number;
	end: number;
	/** The decoded text, unstripped (Whisper usually starts it with a space). */
	text: string;
	/** Decoder details, present when the engine's own decoding loop produced the segment. */
	tokens?: number[];
	/** Where the 30 s window that produced this segment started, in seconds. */
	seek?: number;
	/** Sampling temperature of the decode that was kept (0 = greedy; higher after fallbacks). */
	temperature?: number;
	/** Mean log-probability of the segment's tokens. */
	avgLogprob?: number;
	/** gzip compression ratio of the text; high values mean repetition loops. */
	compressionRatio?: number;
	/** Probability of the <|nospeech|> token at the window's start. */
	noSpeechProb?: number;
	words?: Word[];
}

export interface Transcript {
	/** The whole decode: the segments' texts joined. */
	text: string;
	/** ISO 639-1 code given or detected; null when the model is English-only and none was asked. */
	language: string | null;
	/** How sure language detection was (0–1); absent when the language was given. */
	languageProbability?: number;
	segments: Segment[];
	/** Seconds of audio that were transcribed. */
	duration: number;
}

/** Builds a transcript from timed segments, numbering them and joining their text. */
export function makeTranscript(pieces: ReadonlyArray<Omit<Segment, 'id'>>, language: string | null, duration: number): Transcript {
	const segments = pieces.map((piece, id) => ({ id, ...piece }));
	return { text: segments.map((s) => s.text).join(''), language, segments, duration };
}
