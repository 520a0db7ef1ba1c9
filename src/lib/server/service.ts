/**
 * @file The server's parts, made once per process on first use: configuration, the task backend
 * and, where jobs run in this process (the embedded queue, the default), the served model
 * (loading from startup) and its queue resuming what a previous run left. With QUEUE=redis this
 * process is an API node: tasks are BullMQ jobs that workers (`npm run worker`) run, and the rate
 * limit is kept in Redis so that every node enforces one. hooks.server.ts starts it; routes read it.
 */
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { KeyRing } from './access';
import { config, type ServerConfig } from './config';
import { createMetrics, type Metrics } from './metrics';
import { ModelThread } from './model-thread';
import type { ModelRunner } from './served-model';
import type { TaskBackend } from './tasks/backend';
import { embeddedBackend } from './tasks/embedded';
import { runJob } from './tasks/job';
import { JobQueue } from './tasks/queue';
import { RedisBackend } from './tasks/redis';
import { TaskStore } from './tasks/store';

export interface Service {
	config: ServerConfig;
	tasks: TaskBackend;
	/** The model this process runs; null on an API node of the Redis backend (its workers run it). */
	model: ModelRunner | null;
	/** API_KEYS, as digests. */
	keys: KeyRing;
	/** Per client address; null when RATE_LIMIT_PER_MINUTE is 0. */
	limiter: RateLimiterAbstract | null;
	/** Per API key; null when RATE_LIMIT_PER_KEY_PER_MINUTE is 0 or the server takes no keys. */
	keyLimiter: RateLimiterAbstract | null;
	metrics: Metrics;
	/** Where uploads are written while they wait for their task. */
	uploadDir: string;
}

let current: Service | undefined;

function embedded(settings: ServerConfig): Service {
	const model = new ModelThread(settings);
	const store = new TaskStore(settings.dataDir);
	const metrics = createMetrics(async () => store.counts());
	const queue = new JobQueue({
		store,
		concurrency: settings.concurrency,
		run: runJob(model, (seconds, audio) => metrics.observeJob(seconds, audio)),
		ttlMs: settings.taskTtlHours * 3600 * 1000
	});
	queue.resume();
	const tasks = embeddedBackend(store, queue);
	const limiters = rateLimiters(settings, (keyPrefix, points) => new RateLimiterMemory({ keyPrefix, points, duration: 60 }));
	return { config: settings, tasks, model, ...limiters, metrics, uploadDir: settings.uploadDir };
}

/** The access checks' parts; `limiter` makes a limiter of `points` a minute. */
function rateLimiters(settings: ServerConfig, limiter: (keyPrefix: string, points: number) => RateLimiterAbstract) {
	const keys = new KeyRing(settings.apiKeys, { pageTokens: settings.pageFallback });
	return {
		keys,
		limiter: settings.rateLimitPerMinute > 0 ? limiter('koe-rate', settings.rateLimitPerMinute) : null,
		keyLimiter: settings.keyRateLimitPerMinute > 0 && !keys.open ? limiter('koe-rate-key', settings.keyRateLimitPerMinute) : null
	};
}

function apiNode(settings: ServerConfig): Service {
	const tasks = new RedisBackend({ url: settings.redisUrl, attempts: settings.jobAttempts, ttlSeconds: settings.taskTtlHours * 3600 });
	const limiters = rateLimiters(
		settings,
		(keyPrefix, points) => new RateLimiterRedis({ storeClient: tasks.connection, keyPrefix, points, duration: 60 })
	);
	return { config: settings, tasks, model: null, ...limiters, metrics: createMetrics(() => tasks.counts()), uploadDir: settings.uploadDir };
}

export function service(): Service {
	if (current) return current;
	const settings = config();
	current = settings.queue === 'redis' ? apiNode(settings) : embedded(settings);
	return current;
}
