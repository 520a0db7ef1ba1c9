/**
 * @file How each API family answers a success: the /asr family as whisper-asr-webservice does
 * (text/plain for every output, with the upload's name), and the /v1 family as OpenAI does (its
 * response formats). Errors are answered in family.ts. See shared/docs/api-compat.md for the
 * byte-level rules.
 */
import { layoutOf } from '../../core/subtitles/layout';
import type { Transcript } from '../../core/transcript';
import { writeTranscript } from '../../core/writers';
import { writeSrt } from '../../core/writers/srt';
import { writeVtt } from '../../core/writers/vtt';
import { getLanguage } from '../../core/languages';
import type { LanguageDetection } from '../../engine';
import type { AsrRequest, OpenAiRequest } from './params';

/** Python's urllib.parse.quote (safe "/"), which whisper-asr-webservice puts in the download name. */
export function pythonQuote(text: string): string {
	return encodeURIComponent(text)
		.replace(/%2F/g, '/')
		.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * POST /asr's answer: every format as text/plain, named "<upload name>.<output as sent>". Inline,
 * not attachment (whisper-asr-webservice's), so that Swagger UI prints the transcript in its
 * response body; clients that save files (curl -OJ, Bazarr) read the filename either way. The
 * `output` sent is quoted like the name: any string is a valid header then (a quote, a line break
 * or a character past Latin-1 would otherwise make the answer fail).
 */
export function asrOutput(
	transcript: Transcript,
	{ output, outputExtension: extension, options }: Pick<AsrRequest, 'output' | 'outputExtension' | 'options'>,
	uploadName: string
): Response {
	return new Response(writeTranscript(transcript, output, layoutOf(options)), {
		headers: {
			'Content-Type': 'text/plain; charset=utf-8',
			'Content-Disposition': `inline; filename="${pythonQuote(uploadName)}.${pythonQuote(extension)}"`,
			'Asr-Engine': 'koe'
		}
	});
}

export function detectionBody(detection: Pick<LanguageDetection, 'code' | 'probability'>) {
	return {
		detected_language: getLanguage(detection.code).name.toLowerCase(),
		language_code: detection.code,
		confidence: detection.probability
	};
}

/** The OpenAI API's response formats. Translations report "english", as OpenAI's do. */
export function openAiOutput(transcript: Transcript, request: OpenAiRequest): Response {
	const text = transcript.text.trim();
	switch (request.responseFormat) {
		case 'json':
			return Response.json({ text });
		case 'text':
			return new Response(text, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
		case 'srt':
			return new Response(writeSrt(transcript, layoutOf(request.options)), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
		case 'vtt':
			return new Response(writeVtt(transcript, layoutOf(request.options), { alwaysIncludeHours: true }), {
				headers: { 'Content-Type': 'text/vtt; charset=utf-8' }
			});
		case 'verbose_json':
			return Response.json(verboseJson(transcript, request));
	}
}

function verboseJson(transcript: Transcript, { options: { task }, granularities }: OpenAiRequest) {
	const language = task === 'translate' ? 'english' : transcript.language ? getLanguage(transcript.language).name.toLowerCase() : null;
	const body: Record<string, unknown> = { task, language, duration: transcript.duration, text: transcript.text.trim() };
	if (granularities.includes('segment')) {
		body.segments = transcript.segments.map((segment) => ({
			id: segment.id,
			seek: Math.round((segment.seek ?? 0) * 100),
			start: segment.start,
			end: segment.end,
			text: segment.text,
			tokens: segment.tokens ?? [],
			temperature: segment.temperature ?? 0,
			avg_logprob: segment.avgLogprob ?? 0,
			compression_ratio: segment.compressionRatio ?? 0,
			no_speech_prob: segment.noSpeechProb ?? 0
		}));
	}
	if (granularities.includes('word')) {
		body.words = transcript.segments.flatMap((segment) =>
			(segment.words ?? []).map((word) => ({ word: word.word.trim(), start: word.start, end: word.end }))
		);
	}
	body.usage = { type: 'duration', seconds: Math.ceil(transcript.duration) };
	return body;
}
