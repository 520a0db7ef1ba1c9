/**
 * @file Finished transcripts, kept in the browser's IndexedDB (idb-keyval, a store of its own)
 * until the user deletes them: list, reopen, rename, delete. Nothing leaves the machine.
 */
import { createStore, entries, get, promisifyRequest, setMany, type UseStore } from 'idb-keyval';
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

/**
 * The list lives under its own key, written in the same transaction as the entry it describes,
 * so showing the history reads a few kilobytes instead of every stored transcript.
 */
const SUMMARIES_KEY = 'summaries';

function newestFirst(list: HistorySummary[]): HistorySummary[] {
	return [...list].sort((a, b) => b.createdAt - a.createdAt);
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
			this.entries = await this.#summaries();
			this.unavailable = '';
		} catch (error) {
			this.unavailable = error instanceof Error ? error.message : String(error);
		}
	}

	/** The stored list; built once from the entries where an older version kept none. */
	async #summaries(): Promise<HistorySummary[]> {
		const list = await get<HistorySummary[]>(SUMMARIES_KEY, this.#db());
		if (list) return list;
		const stored = (await entries<string, HistoryEntry>(this.#db())).filter(([key]) => key !== SUMMARIES_KEY);
		// Reading must not write: with the site's storage full, an empty history would otherwise
		// fail to "rebuild" and the page would call history unavailable.
		if (stored.length === 0) return [];
		const rebuilt = newestFirst(stored.map(([, entry]) => summarize(entry)));
		// Kept for next time where there is room; the list is right either way.
		await setMany([[SUMMARIES_KEY, rebuilt]], this.#db()).catch(() => {});
		return rebuilt;
	}

	/** Writes an entry and the list in one transaction: the two never disagree. */
	async #save(entry: HistoryEntry): Promise<void> {
		const others = (await this.#summaries()).filter((summary) => summary.id !== entry.id);
		await setMany(
			[
				[entry.id, entry],
				[SUMMARIES_KEY, newestFirst([summarize(entry), ...others])]
			],
			this.#db()
		);
	}

	async add(entry: Omit<HistoryEntry, 'id' | 'createdAt' | 'title'>): Promise<HistoryEntry> {
		const saved: HistoryEntry = { ...entry, id: crypto.randomUUID(), createdAt: Date.now(), title: entry.fileName };
		await this.#save(saved);
		await this.refresh();
		// Safari deletes a site's storage after weeks without a visit, and every browser may under
		// storage pressure, unless the site's storage is persistent: ask once there is something to keep.
		void navigator.storage?.persist?.().catch(() => false);
		return saved;
	}

	async open(id: string): Promise<HistoryEntry | undefined> {
		return id === SUMMARIES_KEY ? undefined : get<HistoryEntry>(id, this.#db());
	}

	async rename(id: string, title: string): Promise<void> {
		const entry = await this.open(id);
		const trimmed = title.trim();
		if (!entry || !trimmed) return;
		await this.#save({ ...entry, title: trimmed });
		await this.refresh();
	}

	/** Saves an edited transcript in place (segment text fixed by hand before export). */
	async updateTranscript(id: string, transcript: Transcript): Promise<void> {
		const entry = await this.open(id);
		if (!entry) return;
		await this.#save({ ...entry, transcript });
	}

	async remove(id: string): Promise<void> {
		const others = (await this.#summaries()).filter((summary) => summary.id !== id);
		await this.#db()('readwrite', (store) => {
			store.put(others, SUMMARIES_KEY);
			store.delete(id);
			return promisifyRequest(store.transaction);
		});
		await this.refresh();
	}
}

export const history = new HistoryStore();
