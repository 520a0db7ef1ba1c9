/**
 * @file What a queued task does: decode its upload, then transcribe or detect the language.
 * Tasks hold plain JSON (they outlive the process in SQLite): the engine's options and whether
 * the upload needs ffmpeg. The result is the transcript (or detection) itself; each route
 * renders it in the format its client asked for. Failures leave here as the API's coded errors.
 */
import { existsSync } from 'node:fs';
import type { TranscribeOptions } from '../../core/options';
import type { OutputFormatId } from '../../core/writers';
import { DETECTION_SECONDS, type TranscribeProgress } from '../../engine';
import { apiError, toApiError } from '../errors';
import { readAudio } from '../media';
import type { ModelRunner } from '../served-model';
import type { RunTask } from './queue';

export type JobParams = { kind: 'transcribe'; encode: boolean; options: TranscribeOptions } | { kind: 'detect-language'; encode: boolean };

/** A task's stored parameters: the job, and for /asr/async the layout GET /tasks renders. */
export type TaskParams = JobParams & { output?: OutputFormatId; outputExtension?: string };

/** Where a finished job is counted (the metrics). */
export type JobObserver = (seconds: number, audioSeconds: number) => void;

export function runJob(model: ModelRunner, observe?: JobObserver): RunTask {
	return async (task, onProgress, signal) => {
		const started = performance.now();
		try {
			const result = await run(model, task.params as JobParams, task.inputPath, onProgress, signal);
			const audioSeconds = (result as { duration?: unknown }).duration;
			observe?.((performance.now() - started) / 1000, typeof audioSeconds === 'number' ? audioSeconds : 0);
			return result;
		} catch (error) {
			// A shutdown's abort stays as it is, so the queue can tell it from a failure.
			throw signal.aborted ? error : toApiError(error);
		}
	};
}

async function run(model: ModelRunner, params: JobParams, inputPath: string, onProgress: (fraction: number) => void, signal: AbortSignal) {
	// A worker that does not share UPLOAD_DIR with the API node is the server's fault, not the upload's.
	if (!existsSync(inputPath)) throw apiError('upload_missing');
	const progress = (progress: TranscribeProgress) =>
		progress.secondsTotal > 0 && onProgress(Math.min(1, progress.secondsDone / progress.secondsTotal));
	// Media is decoded by the model's thread a few minutes at a time as it reads (a file of hours
	// never sits in memory whole); raw PCM is read as it is.
	if (params.kind === 'transcribe' && params.encode) return model.transcribe({ mediaFile: inputPath }, params.options, progress, signal);
	// Language detection reads only the start; decoding the rest of a long file would be waste.
	const samples = await readAudio(inputPath, params.encode, params.kind === 'detect-language' ? DETECTION_SECONDS : undefined, signal);
	if (samples.length === 0) throw apiError('no_audio');
	if (params.kind === 'detect-language') return model.detectLanguage(samples, signal);
	return model.transcribe(samples, params.options, progress, signal);
}
