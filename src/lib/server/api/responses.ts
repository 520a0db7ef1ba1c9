/**
 * @file How each API family answers, in one place: the /asr family as whisper-asr-webservice
 * does (text/plain for every output, a download name, `{"status":"error",…}` errors), and the
 * /v1 family as OpenAI does (its response formats, `{"error":{…}}` errors). See
 * shared/docs/api-compat.md for the byte-level rules.
 */
import type { Transcript } from '../../core/transcript';
import { writeTranscript, type OutputFormatId } from '../../core/writers';
import { writeSrt } from '../../core/writers/srt';
import { writeVtt } from '../../core/writers/vtt';
import { getLanguage } from '../../core/languages';
import type { LanguageDetection } from '../../engine/transcribe';
import { ApiError } from './errors';
import type { OpenAiOptions } from './params';

/** What an unexpected failure tells the client; the details go to the server's log. */
function asApiError(error: unknown): ApiError {
	if (error instanceof ApiError) return error;
	console.error(error);
	const message = error instanceof Error ? error.message : String(error);
	return new ApiError(500, `The server failed: ${message}`);
}

export function asrError(error: unknown): Response {
	const { status, message, headers } = asApiError(error);
	return Response.json({ status: 'error', code: status, message }, { status, headers });
}

export function openAiError(error: unknown): Response {
	const { status, message, param, code, headers } = asApiError(error);
	const type = status >= 500 ? 'server_error' : 'invalid_request_error';
	// The SDKs retry 5xx, 408, 409 and 429 (uploading the file again); say when that is pointless.
	const retry: Record<string, string> = status >= 500 || status === 429 ? {} : { 'x-should-retry': 'false' };
	return Response.json({ error: { message, type, param, code } }, { status, headers: { ...headers, ...retry } });
}

/** Python's urllib.parse.quote (safe "/"), which whisper-asr-webservice puts in the download name. */
export function pythonQuote(text: string): string {
	return encodeURIComponent(text)
		.replace(/%2F/g, '/')
		.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** POST /asr's answer: every format as text/plain, named "<upload name>.<output as sent>". */
export function asrOutput(transcript: Transcript, output: OutputFormatId, extension: string, uploadName: string): Response {
	return new Response(writeTranscript(transcript, output), {
		headers: {
			'Content-Type': 'text/plain; charset=utf-8',
			'Content-Disposition': `attachment; filename="${pythonQuote(uploadName)}.${extension}"`,
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
export function openAiOutput(transcript: Transcript, options: OpenAiOptions, task: 'transcribe' | 'translate'): Response {
	const text = transcript.text.trim();
	switch (options.responseFormat) {
		case 'json':
			return Response.json({ text });
		case 'text':
			return new Response(text, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
		case 'srt':
			return new Response(writeSrt(transcript), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
		case 'vtt':
			return new Response(writeVtt(transcript, { alwaysIncludeHours: true }), { headers: { 'Content-Type': 'text/vtt; charset=utf-8' } });
		case 'verbose_json':
			return Response.json(verboseJson(transcript, options, task));
	}
}

function verboseJson(transcript: Transcript, options: OpenAiOptions, task: 'transcribe' | 'translate') {
	const language = task === 'translate' ? 'english' : transcript.language ? getLanguage(transcript.language).name.toLowerCase() : null;
	const body: Record<string, unknown> = { task, language, duration: transcript.duration, text: transcript.text.trim() };
	if (options.granularities.includes('segment')) {
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
	if (options.granularities.includes('word')) {
		body.words = transcript.segments.flatMap((segment) =>
			(segment.words ?? []).map((word) => ({ word: word.word.trim(), start: word.start, end: word.end }))
		);
	}
	body.usage = { type: 'duration', seconds: Math.ceil(transcript.duration) };
	return body;
}
