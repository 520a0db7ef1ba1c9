/**
 * @file The server's parts, made once per process on first use: configuration, the engine
 * (loading from startup), the task store and queue (resuming what a previous run left), and the
 * per-address rate limiter. hooks.server.ts starts it; routes read it.
 */
import path from 'node:path';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { config, type ServerConfig } from './config';
import { ServerEngine } from './engine';
import { runJob } from './jobs';
import { JobQueue } from './tasks/queue';
import { TaskStore } from './tasks/store';

export interface Service {
	config: ServerConfig;
	engine: ServerEngine;
	store: TaskStore;
	queue: JobQueue;
	/** Null when RATE_LIMIT_PER_MINUTE is 0. */
	limiter: RateLimiterMemory | null;
	/** Where uploads are written while they wait for their task. */
	uploadDir: string;
}

let current: Service | undefined;

export function service(): Service {
	if (current) return current;
	const settings = config();
	const engine = new ServerEngine(settings);
	const store = new TaskStore(settings.dataDir);
	const queue = new JobQueue({
		store,
		concurrency: settings.concurrency,
		run: runJob(engine),
		ttlMs: settings.taskTtlHours * 3600 * 1000
	});
	queue.resume();
	const limiter =
		settings.rateLimitPerMinute > 0 ? new RateLimiterMemory({ points: settings.rateLimitPerMinute, duration: 60 }) : null;
	current = { config: settings, engine, store, queue, limiter, uploadDir: path.join(settings.dataDir, 'uploads') };
	return current;
}
