/**
 * @file Why a job failed, as a code the page words in the UI language (i18n/messages.ts). Each
 * failure is classified once, where it happens: media errors in decode.ts, the engine's in the
 * worker (EngineFailure, whose code crosses comlink with it), the server's in server-client.ts.
 * The page only reads codes, never message text.
 */
import * as Comlink from 'comlink';
import type { Failure, FailureCode } from './i18n/messages';

export type MediaErrorCode = Extract<FailureCode, 'empty' | 'unreadable' | 'no-audio' | 'image' | 'too-short' | 'decoder-load' | 'mux'>;

/**
 * The media file could not be turned into audio; the message is written for a person, and the
 * error that caused it, if any, is its `cause` (shown as technical detail).
 */
export class MediaError extends Error {
	constructor(
		readonly code: MediaErrorCode,
		message: string,
		options?: { cause: unknown }
	) {
		super(message, options);
		this.name = 'MediaError';
	}
}

/**
 * Shorter than this, Whisper invents text instead of hearing it: tiny.en made "And then we'll see
 * you next time. Bye." of 0.1 s cut from a word, and "Cheers." of the first 0.3 s of "She had…",
 * while 0.5 s gave "She had". (whisper.cpp returns nothing under 1 s.)
 */
const MIN_SECONDS = 0.5;

/** The failure for a recording under MIN_SECONDS (decoded in the page, or measured by the server); null when long enough. */
export function tooShort(seconds: number): MediaError | null {
	if (seconds >= MIN_SECONDS) return null;
	return new MediaError('too-short', `This file holds ${seconds.toFixed(2)} s of sound, too little to recognise speech in.`);
}

/** What went wrong in the worker, decided there (or, for a worker that died, by its handle). */
export type EngineFailureCode = Extract<FailureCode, 'model-load' | 'model-offline' | 'out-of-memory' | 'transcribe' | 'worker-lost'>;

export class EngineFailure extends Error {
	constructor(
		readonly code: EngineFailureCode,
		message: string
	) {
		super(message);
		this.name = 'EngineFailure';
	}
}

/**
 * onnxruntime-web and transformers.js throw bare Errors; out-of-memory is told by its words, here
 * at the engine's boundary and nowhere else: WASM's "Aborted(OOM)", onnxruntime-web's "failed to
 * allocate a buffer" when its heap cannot grow for a model, C++'s bad_alloc, V8's "Array buffer
 * allocation failed" and "could not allocate memory", WebGPU's lost device.
 */
const OUT_OF_MEMORY =
	/out of memory|allocation failed|failed to allocate|(could not|cannot) allocate|bad_alloc|Aborted\(OOM\)|device (was )?lost/i;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** The worker's classification of an error from loading a model or from transcribing. */
export function engineFailure(error: unknown, step: 'load' | 'transcribe', online: boolean): EngineFailure | unknown {
	if (error instanceof EngineFailure || isAbort(error)) return error;
	const message = messageOf(error);
	if (OUT_OF_MEMORY.test(message)) return new EngineFailure('out-of-memory', message);
	if (step === 'transcribe') return new EngineFailure('transcribe', message);
	return new EngineFailure(online ? 'model-load' : 'model-offline', message);
}

/**
 * The worker stopped answering: it threw outside any call (an onnxruntime thread that aborted,
 * a script that failed to load) or the browser ended it (as browsers do with a worker that runs
 * out of memory). `reason` is the error event's message, if there was one.
 */
export function workerLost(reason: string | undefined): EngineFailure {
	const message = reason || 'The transcription worker ended.';
	return new EngineFailure(OUT_OF_MEMORY.test(message) ? 'out-of-memory' : 'worker-lost', message);
}

/** What the page does with its worker after a call failed. */
export interface Recovery {
	/** End the worker; the next call starts a fresh one. */
	restart: boolean;
	/** Drop the model's cached files, so the next load downloads them again. */
	evict: boolean;
}

/**
 * After a failed load the worker is always replaced: onnxruntime-web does not recover from a
 * session that failed to build. After a failed transcription too, unless it was cancelled: a
 * WASM instance that aborted or ran out of memory fails every later call. Only a load that failed
 * for its files ('model-load') drops them: a download cut short can be cached whole by
 * transformers.js; offline or out of memory, the cached files are fine.
 */
export function recovery(error: unknown, step: 'load' | 'transcribe'): Recovery {
	if (isAbort(error)) return { restart: false, evict: false };
	const code = (error as { code?: unknown } | null)?.code;
	return { restart: true, evict: step === 'load' && code === 'model-load' };
}

/** Failures that a second try may get past (once the network is back, with a smaller model…). */
export const RETRYABLE: ReadonlySet<FailureCode> = new Set<FailureCode>([
	'model-load',
	'model-offline',
	'out-of-memory',
	'worker-lost',
	'decoder-load',
	'decode',
	'transcribe',
	'server'
]);

/** A write to the browser's storage failed because the site's quota is used up. */
export function isQuotaExceeded(error: unknown): boolean {
	const name = (error as { name?: unknown } | null)?.name;
	// Firefox has named it NS_ERROR_DOM_QUOTA_REACHED; every engine now says QuotaExceededError.
	return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** Why a transcript could not be kept in the history (it stays on screen either way). */
export function historyFailure(error: unknown): Failure {
	return { code: isQuotaExceeded(error) ? 'storage-full' : 'history-save', technical: messageOf(error) };
}

/**
 * Makes comlink carry an EngineFailure's code from the worker: its own handler sends only an
 * error's name, message and stack (and the page's side copies whatever it is sent onto an Error).
 * Call once, in the worker.
 */
export function sendFailureCodes(): void {
	const standard = Comlink.transferHandlers.get('throw')!;
	Comlink.transferHandlers.set('throw', {
		canHandle: standard.canHandle,
		serialize(thrown) {
			const { value } = thrown as { value: unknown };
			if (!(value instanceof EngineFailure)) return standard.serialize(thrown);
			const { name, message, stack, code } = value;
			return [{ isError: true, value: { name, message, stack, code } }, []];
		},
		deserialize: standard.deserialize
	});
}

/**
 * A failure the page can word: read from the error's code, or from the step it happened in. The
 * error's own text goes along as technical detail, shown apart from the message.
 */
export function failureOf(error: unknown, step: 'decoding' | 'loading' | 'transcribing'): Failure {
	const code = (error as { code?: unknown } | null)?.code;
	if (error instanceof MediaError)
		return error.cause === undefined ? { code: error.code } : { code: error.code, technical: messageOf(error.cause) };
	const technical = messageOf(error);
	if (error instanceof Error && error.name === 'EngineFailure' && typeof code === 'string')
		return { code: code as EngineFailureCode, technical };
	return { code: step === 'decoding' ? 'decode' : step === 'loading' ? 'model-load' : 'transcribe', technical };
}
