/** @file The embedded task backend: the job queue of this process over its SQLite store. */
import type { TaskBackend } from './backend';
import type { JobQueue } from './queue';
import type { TaskStore } from './store';

export function embeddedBackend(store: TaskStore, queue: JobQueue): TaskBackend {
	return {
		kind: 'embedded',
		submit: async (input) => queue.submit(input),
		get: async (id) => store.get(id),
		// The queue wakes its waiters itself; nothing to stop.
		settled: (id) => queue.settled(id),
		cancel: async (id, reason) => queue.cancel(id, reason),
		counts: async () => store.counts(),
		async close() {
			await queue.close();
			store.close();
		}
	};
}
