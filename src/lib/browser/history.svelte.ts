/**
 * @file Finished transcripts, kept in the browser's IndexedDB (idb-keyval, a store of its own)
 * until the user deletes them: list, reopen, rename, delete. Nothing leaves the machine.
 */
import { createStore, del, get, set, values, type UseStore } from 'idb-keyval';
import type { Transcript } from '$lib/core/transcript';

export interface HistoryEntry {
	id: string;
	/** What the user calls it; starts as the media file's name. */
	title: string;
	fileName: string;
	/** Milliseconds since the epoch. */
	createdAt: number;
	model: string;
	/** Where it was computed, e.g. "WASM" or "WebGPU (…)". */
	device: string;
	language: string | null;
	/** Cancelled before the end: the transcript covers the start of the media only. */
	partial?: boolean;
	transcript: Transcript;
}

/** The list shows summaries; the transcript is read when an entry is opened. */
export type HistorySummary = Omit<HistoryEntry, 'transcript'> & { durationSeconds: number };

function summarize({ transcript, ...rest }: HistoryEntry): HistorySummary {
	return { ...rest, durationSeconds: transcript.duration };
}

class HistoryStore {
	entries = $state.raw<HistorySummary[]>([]);
	/** Why IndexedDB refused us, so the page can say history is off (empty when it works). */
	unavailable = $state('');

	#store: UseStore | undefined;

	#db(): UseStore {
		this.#store ??= createStore('koe-history', 'transcripts');
		return this.#store;
	}

	async refresh(): Promise<void> {
		try {
			const all = await values<HistoryEntry>(this.#db());
			this.entries = all.map(summarize).sort((a, b) => b.createdAt - a.createdAt);
			this.unavailable = '';
		} catch (error) {
			this.unavailable = error instanceof Error ? error.message : String(error);
		}
	}

	async add(entry: Omit<HistoryEntry, 'id' | 'createdAt' | 'title'>): Promise<HistoryEntry> {
		const saved: HistoryEntry = { ...entry, id: crypto.randomUUID(), createdAt: Date.now(), title: entry.fileName };
		await set(saved.id, saved, this.#db());
		await this.refresh();
		return saved;
	}

	async open(id: string): Promise<HistoryEntry | undefined> {
		return get<HistoryEntry>(id, this.#db());
	}

	async rename(id: string, title: string): Promise<void> {
		const entry = await this.open(id);
		const trimmed = title.trim();
		if (!entry || !trimmed) return;
		await set(id, { ...entry, title: trimmed }, this.#db());
		await this.refresh();
	}

	/** Saves an edited transcript in place (segment text fixed by hand before export). */
	async updateTranscript(id: string, transcript: Transcript): Promise<void> {
		const entry = await this.open(id);
		if (!entry) return;
		await set(id, { ...entry, transcript }, this.#db());
	}

	async remove(id: string): Promise<void> {
		await del(id, this.#db());
		await this.refresh();
	}
}

export const history = new HistoryStore();
