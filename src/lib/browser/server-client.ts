/**
 * @file The browser's route to the Koe server that served the page, for what this device can't
 * run: the file goes to POST /asr/async with the same options as a local run, and the page
 * follows GET /tasks/{id} for progress until the transcript is back.
 */
import type { Transcript } from '$lib/core/transcript';
import { transcriptFromJson } from '$lib/core/writers/json';
import type { TranscribeOptions } from '$lib/engine/transcribe';

/** The server refused or failed the job; `message` is its own words. */
export class ServerJobError extends Error {
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
		this.name = 'ServerJobError';
	}
}

const POLL_MS = 500;

function query(options: TranscribeOptions): string {
	const params = new URLSearchParams({ output: 'json', task: options.task ?? 'transcribe' });
	if (options.language) params.set('language', options.language);
	if (options.initialPrompt) params.set('initial_prompt', options.initialPrompt);
	if (options.wordTimestamps) params.set('word_timestamps', 'true');
	if (options.beamSize) params.set('beam_size', String(options.beamSize));
	return params.toString();
}

async function failure(response: Response): Promise<ServerJobError> {
	const body = (await response.json().catch(() => null)) as { message?: string } | null;
	return new ServerJobError(response.status, body?.message ?? `${response.status} ${response.statusText}`);
}

const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>((resolve, reject) => {
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
	});

/** Transcribes on the server; `onProgress` gets 0..1 as the server reports it. */
export async function transcribeOnServer(
	file: File,
	options: TranscribeOptions,
	onProgress: (fraction: number) => void,
	signal: AbortSignal
): Promise<Transcript> {
	const form = new FormData();
	form.append('audio_file', file, file.name);
	const submitted = await fetch(`/asr/async?${query(options)}`, { method: 'POST', body: form, signal });
	if (!submitted.ok) throw await failure(submitted);
	const { task_id: id } = (await submitted.json()) as { task_id: string };
	for (;;) {
		const response = await fetch(`/tasks/${id}`, { signal, cache: 'no-store' });
		if (!response.ok) throw await failure(response);
		const task = (await response.json()) as { status: string; progress: number; result?: unknown; error?: { code: number; message: string } };
		if (task.status === 'done') return transcriptFromJson(task.result);
		if (task.status === 'failed') throw new ServerJobError(task.error?.code ?? 500, task.error?.message ?? 'The server could not transcribe this file.');
		onProgress(task.progress);
		await sleep(POLL_MS, signal);
	}
}
