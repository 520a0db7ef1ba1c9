/**
 * @file JSON output in openai/whisper's layout (what the webservice's default engine returns):
 * {"text", "segments", "language"}; segment keys id, seek, start, end, text, tokens, temperature,
 * avg_logprob, compression_ratio, no_speech_prob, and words only when word timestamps were
 * asked. The shape is pinned by transcript.schema.json beside this file.
 */
import type { Segment, Transcript, Word } from '../transcript';
import { dumpPythonJson, PyFloat, type PyJson } from './python-json';

/** openai/whisper rounds word times to 2 decimals. */
const round2 = (value: number) => Math.round(value * 100) / 100;
/** Mel frames (10 ms each) from seconds: openai's `seek` counts frames. */
const toFrames = (seconds: number) => Math.round(seconds * 100);

function wordJson(word: Word): PyJson {
	return {
		word: word.word,
		start: new PyFloat(round2(word.start)),
		end: new PyFloat(round2(word.end)),
		probability: new PyFloat(word.probability ?? 0)
	};
}

function segmentJson(segment: Segment): PyJson {
	const json: { [key: string]: PyJson } = {
		id: segment.id,
		seek: toFrames(segment.seek ?? 0),
		start: new PyFloat(segment.start),
		end: new PyFloat(segment.end),
		text: segment.text,
		tokens: segment.tokens ?? [],
		temperature: new PyFloat(segment.temperature ?? 0),
		avg_logprob: new PyFloat(segment.avgLogprob ?? 0),
		compression_ratio: new PyFloat(segment.compressionRatio ?? 0),
		no_speech_prob: new PyFloat(segment.noSpeechProb ?? 0)
	};
	if (segment.words) json.words = segment.words.map(wordJson);
	return json;
}

export function transcriptJson(transcript: Transcript): PyJson {
	return {
		text: transcript.text,
		segments: transcript.segments.map(segmentJson),
		language: transcript.language
	};
}

export function writeJson(transcript: Transcript): string {
	return dumpPythonJson(transcriptJson(transcript));
}

/** The openai/whisper json layout (our server's `output=json`) read back into a Transcript. */
export function transcriptFromJson(value: unknown): Transcript {
	const json = value as {
		language?: string | null;
		segments: Array<{
			id: number;
			seek: number;
			start: number;
			end: number;
			text: string;
			tokens?: number[];
			temperature?: number;
			avg_logprob?: number;
			compression_ratio?: number;
			no_speech_prob?: number;
			words?: Word[];
		}>;
	};
	const segments: Segment[] = json.segments.map((s) => ({
		id: s.id,
		start: s.start,
		end: s.end,
		text: s.text,
		tokens: s.tokens ?? [],
		seek: s.seek / 100, // frames of 10 ms back to seconds
		temperature: s.temperature,
		avgLogprob: s.avg_logprob,
		compressionRatio: s.compression_ratio,
		noSpeechProb: s.no_speech_prob,
		...(s.words ? { words: s.words } : {})
	}));
	return {
		text: segments.map((s) => s.text).join(''),
		language: json.language ?? null,
		segments,
		duration: segments.at(-1)?.end ?? 0
	};
}
