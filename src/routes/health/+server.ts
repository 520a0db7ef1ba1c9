/**
 * @file GET /health: 200 when this node can transcribe, 503 otherwise with a message. Where the
 * model runs here: 503 while it loads (saying what loading is doing) or when it failed (saying
 * why). On an API node of the Redis backend: 503 while Redis does not answer or no worker is
 * connected, with the count of live workers.
 */
import { json } from '@sveltejs/kit';
import { service } from '$lib/server/service';
import { RedisBackend } from '$lib/server/tasks/redis';
import type { RequestHandler } from './$types';

const answer = (ready: boolean, body: Record<string, unknown>) =>
	json(body, { status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });

export const GET: RequestHandler = async () => {
	const { model, tasks, config } = service();
	if (tasks instanceof RedisBackend) {
		const unreachable = () =>
			answer(false, {
				status: 'unavailable',
				model: config.model,
				queue: 'redis',
				redis: 'unreachable',
				message: 'Redis at REDIS_URL does not answer.'
			});
		if (!(await tasks.reachable())) return unreachable();
		const read = await Promise.all([tasks.counts(), tasks.workers()]).catch(() => null);
		if (!read) return unreachable();
		const [{ queued, running }, workers] = read;
		const body = { status: workers > 0 ? 'ok' : 'unavailable', model: config.model, queue: 'redis', redis: 'ok', workers, queued, running };
		return answer(
			workers > 0,
			workers > 0 ? body : { ...body, message: 'No worker is connected: tasks wait until one starts (npm run worker).' }
		);
	}
	const { state } = model!;
	const { queued, running } = await tasks.counts();
	const body = { status: state.status === 'ready' ? 'ok' : state.status, model: model!.modelId, queue: 'embedded', queued, running };
	// While loading: what it is doing (a first start downloads the model); failed: why.
	if (state.status !== 'ready') Object.assign(body, { message: state.message });
	return answer(state.status === 'ready', body);
};
