/**
 * @file What a queued task does: decode its upload, then transcribe or detect the language.
 * Tasks hold plain JSON (they outlive the process in SQLite): the engine's options and whether
 * the upload needs ffmpeg. The result is the transcript (or detection) itself; each route
 * renders it in the format its client asked for.
 */
import { DETECTION_SECONDS } from '../engine/language';
import { EnglishOnlyModelError, type TranscribeOptions } from '../engine/transcribe';
import { ApiError } from './api/errors';
import type { ServerEngine } from './engine';
import { readAudio } from './media';
import type { RunTask } from './tasks/queue';

export type JobParams =
	| { kind: 'transcribe'; encode: boolean; options: TranscribeOptions }
	| { kind: 'detect-language'; encode: boolean };

export function runJob(engine: ServerEngine): RunTask {
	return async (task, onProgress, signal) => {
		const params = task.params as JobParams;
		// Language detection reads only the start; decoding the rest of a long file would be waste.
		const samples = await readAudio(task.inputPath, params.encode, params.kind === 'detect-language' ? DETECTION_SECONDS : undefined);
		if (samples.length === 0) throw new ApiError(415, 'The upload has no audio samples.', 'file', 'unsupported_media');
		if (params.kind === 'detect-language') {
			try {
				return await engine.detectLanguage(samples, signal);
			} catch (error) {
				// An English-only model hears English (as faster-whisper answers for .en models).
				if (error instanceof EnglishOnlyModelError) return { code: 'en', name: 'english', probability: 1, ranked: [] };
				throw error;
			}
		}
		return engine.transcribe(
			samples,
			params.options,
			(progress) => progress.secondsTotal > 0 && onProgress(Math.min(1, progress.secondsDone / progress.secondsTotal)),
			signal
		);
	};
}
