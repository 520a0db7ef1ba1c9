/** @file Cancellation: one check, called between decoder steps, that always throws an AbortError. */

export function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) {
		// signal.throwIfAborted() would throw whatever reason abort() was given; callers match on the name.
		throw new DOMException('The transcription was cancelled.', 'AbortError');
	}
}

export function isAbortError(error: unknown): boolean {
	return error instanceof DOMException && error.name === 'AbortError';
}
