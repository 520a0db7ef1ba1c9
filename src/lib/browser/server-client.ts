/**
 * @file The browser's route to the Koe server that served the page, for what this device can't
 * run: the file goes to POST /asr/async with the same options as a local run (named as the
 * option table names them for /asr), and the page follows GET /tasks/{id} until the transcript
 * is back.
 */
import { optionsToApi, type TranscribeOptions } from '$lib/core/options';
import type { Transcript } from '$lib/core/transcript';
import { transcriptFromJson } from '$lib/core/writers/json';
import { tooShort } from './failures';

/** The server refused or failed the job; `message` is its own words, `reason` its error code. */
export class ServerJobError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly reason: string | null = null
	) {
		super(message);
		this.name = 'ServerJobError';
	}
}

const POLL_MS = 500;

interface TaskBody {
	status: string;
	progress: number;
	result?: unknown;
	/** The recording's length in seconds, when done (the json result has none). */
	duration?: number;
	error?: { code: number; reason: string; message: string };
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
	signal: AbortSignal,
	token: string | null = null
): Promise<Transcript> {
	const headers: HeadersInit = token ? { authorization: `Bearer ${token}` } : {};
	const form = new FormData();
	form.append('audio_file', file, file.name);
	const query = new URLSearchParams({ ...optionsToApi('asr', options), output: 'json' });
	const submitted = await fetch(`/asr/async?${query}`, { method: 'POST', body: form, signal, headers });
	if (!submitted.ok) throw await failure(submitted);
	const { task_id: id } = (await submitted.json()) as { task_id: string };
	for (;;) {
		const response = await fetch(`/tasks/${id}`, { signal, cache: 'no-store', headers });
		if (!response.ok) throw await failure(response);
		const task = (await response.json()) as TaskBody;
		if (task.status === 'done') {
			// The page decodes no file it sends, so the server's measure says whether this one was too
			// short for speech, as the page says of a file it decodes itself.
			const short = typeof task.duration === 'number' ? tooShort(task.duration) : null;
			if (short) throw short;
			return transcriptFromJson(task.result);
		}
		if (task.status === 'failed') {
			throw new ServerJobError(
				task.error?.code ?? 500,
				task.error?.message ?? 'The server could not transcribe this file.',
				task.error?.reason ?? null
			);
		}
		onProgress(task.progress);
		await sleep(POLL_MS, signal);
	}
}
