/**
 * @file Several files at once: they wait in a queue and run one after another through the same
 * job as a single file (engine-client), each with its own history entry; "Download all" zips one
 * chosen format of every finished file.
 */
import { zipSync, strToU8 } from 'fflate';
import { layoutOf } from '$lib/core/subtitles/layout';
import type { Transcript } from '$lib/core/transcript';
import { OUTPUT_FORMATS, type OutputFormatId } from '$lib/core/writers';
import { outputFileName, saveFile } from './download';
import { job } from './engine-client.svelte';
import type { Failure } from './i18n/messages';
import { history } from './history.svelte';
import { settings } from './settings.svelte';

export type BatchStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface BatchItem {
	/** Unique in this visit (two files may share a name). */
	key: number;
	file: File;
	status: BatchStatus;
	/** Its history entry once done ('' when the history could not keep it). */
	entryId: string;
	/** The finished transcript, for "Download all" where the history could not keep it. */
	transcript: Transcript | null;
	error: Failure | null;
}

class BatchQueue {
	items = $state<BatchItem[]>([]);
	#nextKey = 0;
	#running = false;

	/** Files queued or running. */
	waiting = $derived(this.items.filter((item) => item.status === 'queued' || item.status === 'running').length);
	finished = $derived(this.items.filter((item) => item.status === 'done'));

	/**
	 * Queues the files, in the order given, and starts the queue unless it runs already. Files
	 * dropped once the queue is empty start a new batch: the last one's rows go (their history stays).
	 */
	add(files: Iterable<File>): void {
		if (this.waiting === 0) this.items = [];
		for (const file of files) {
			this.items.push({ key: this.#nextKey++, file, status: 'queued', entryId: '', transcript: null, error: null });
		}
		void this.#drain();
	}

	/** Takes a file that has not started off the queue. */
	remove(key: number): void {
		this.items = this.items.filter((item) => item.key !== key || item.status === 'running');
	}

	/** Forgets the finished and failed files' rows (their history entries stay). */
	clearFinished(): void {
		this.items = this.items.filter((item) => item.status === 'queued' || item.status === 'running');
	}

	async #drain(): Promise<void> {
		if (this.#running) return;
		this.#running = true;
		try {
			for (let item = this.#next(); item; item = this.#next()) {
				item.status = 'running';
				// A run started outside the queue ("Try again") finishes first: job.run would refuse.
				await job.idle();
				await job.run(item.file);
				item.status = job.phase === 'done' ? 'done' : job.phase === 'cancelled' ? 'cancelled' : 'failed';
				item.entryId = job.entryId;
				item.transcript = job.transcript;
				item.error = job.error;
			}
		} finally {
			this.#running = false;
		}
	}

	#next(): BatchItem | undefined {
		return this.items.find((item) => item.status === 'queued');
	}

	/** One zip of every finished file in the chosen format, with the edits saved in history. */
	async downloadAll(format: OutputFormatId): Promise<void> {
		const { extension, write } = OUTPUT_FORMATS[format];
		const layout = layoutOf(settings.current.layout);
		const files: Record<string, Uint8Array> = {};
		for (const item of this.finished) {
			const transcript =
				(item.entryId ? (await history.open(item.entryId).catch(() => undefined))?.transcript : undefined) ?? item.transcript;
			if (!transcript) continue;
			files[uniqueName(files, outputFileName(item.file.name, extension))] = strToU8(write(transcript, layout));
		}
		saveFile(`koe-transcripts-${format}.zip`, new Blob([zipSync(files)], { type: 'application/zip' }));
	}
}

/** "talk.srt", then "talk (2).srt" for a second file of the same name. */
function uniqueName(taken: Record<string, unknown>, name: string): string {
	if (!Object.hasOwn(taken, name)) return name;
	const dot = name.lastIndexOf('.');
	for (let count = 2; ; count++) {
		const candidate = `${name.slice(0, dot)} (${count})${name.slice(dot)}`;
		if (!Object.hasOwn(taken, candidate)) return candidate;
	}
}

export const batch = new BatchQueue();
