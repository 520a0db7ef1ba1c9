/**
 * @file `npm run worker`: a worker of the Redis backend (QUEUE=redis). It loads the model once
 * (MODEL / DEVICE / DTYPE), takes jobs from Redis (REDIS_URL), JOB_CONCURRENCY at a time, reads
 * uploads from the shared UPLOAD_DIR, and serves GET /metrics on METRICS_PORT. Start as many as
 * there are GPUs, on any host that shares Redis and the upload folder.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { config } from './src/lib/server/config.ts';
import { stopUnlessCudaUsable } from './src/lib/server/gpu.ts';
import { createMetrics } from './src/lib/server/metrics.ts';
import { ModelThread } from './src/lib/server/model-thread.ts';
import { runJob } from './src/lib/server/tasks/job.ts';
import { startRedisWorker } from './src/lib/server/tasks/redis-worker.ts';

// The served model runs in a thread (model-thread.ts) whose entry is found from here.
process.env.KOE_MODEL_THREAD ??= fileURLToPath(new URL('./src/lib/server/model-thread-boot.mjs', import.meta.url));

const settings = config();
if (settings.queue !== 'redis') {
	console.error('npm run worker takes jobs from Redis: set QUEUE=redis and REDIS_URL (an embedded server runs its own jobs).');
	process.exit(1);
}
stopUnlessCudaUsable(settings.device);

const model = new ModelThread(settings);
await model.ready.catch(() => process.exit(1)); // the model's thread has logged why
const name = process.env.WORKER_NAME || undefined;
const metrics = createMetrics(null, { worker: name ?? `pid-${process.pid}` });
const worker = startRedisWorker({
	url: settings.redisUrl,
	concurrency: settings.concurrency,
	lockSeconds: settings.jobLockSeconds,
	attempts: settings.jobAttempts,
	run: runJob(model, (seconds, audio) => metrics.observeJob(seconds, audio)),
	name
});
worker.on('error', (error) => console.error(`Koe worker: ${error.message}`));
console.log(`Koe worker ${worker.name} is taking jobs from ${settings.redisUrl} (${settings.concurrency} at a time)`);

const metricsServer = createServer(async (req, res) => {
	if (req.url !== '/metrics') {
		res.statusCode = 404;
		res.end('Not found');
		return;
	}
	res.setHeader('Content-Type', metrics.registry.contentType);
	res.end(await metrics.registry.metrics());
});
// A busy port (a second worker on this host without its own METRICS_PORT) costs the metrics, not the worker.
metricsServer.on('error', (error) => console.error(`Koe worker: no /metrics on port ${settings.metricsPort}: ${error.message}`));
metricsServer.listen(settings.metricsPort, settings.host);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, async () => {
		// The running job finishes first; queued ones stay for the other workers.
		await worker.close();
		metricsServer.close();
		process.exit(0);
	});
}
