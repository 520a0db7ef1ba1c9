/**
 * @file Prometheus metrics (prom-client), served as text at GET /metrics by every node: tasks
 * by state (read from the task backend when scraped), and, where jobs run (the embedded server,
 * or a worker), how long each took and how much audio it heard.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TaskCounts } from './tasks/backend';

export interface Metrics {
	registry: Registry;
	/** Records a finished job: its wall time, and the seconds of audio it transcribed. */
	observeJob(seconds: number, audioSeconds: number): void;
}

export function createMetrics(counts: (() => Promise<TaskCounts>) | null, labels: Record<string, string> = {}): Metrics {
	const registry = new Registry();
	registry.setDefaultLabels(labels);
	if (counts) {
		new Gauge({
			name: 'koe_tasks',
			help: 'Tasks by state: queued (waiting), running (active), done, failed (finished ones until they expire).',
			labelNames: ['state'],
			registers: [registry],
			async collect() {
				// A store that does not answer (Redis away) leaves the last values: /metrics still answers.
				const now = await counts().catch(() => null);
				for (const [state, n] of Object.entries(now ?? {})) this.set({ state }, n);
			}
		});
	}
	const duration = new Histogram({
		name: 'koe_job_duration_seconds',
		help: 'Wall time of each finished job, decoding included.',
		buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
		registers: [registry]
	});
	const audio = new Counter({ name: 'koe_audio_seconds_total', help: 'Seconds of audio transcribed.', registers: [registry] });
	return {
		registry,
		observeJob(seconds, audioSeconds) {
			duration.observe(seconds);
			if (audioSeconds > 0) audio.inc(audioSeconds);
		}
	};
}

/** GET /metrics's answer. */
export async function metricsResponse(metrics: Metrics): Promise<Response> {
	return new Response(await metrics.registry.metrics(), {
		headers: { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' }
	});
}
