/** @file GET /health: 200 once the model is loaded, 503 before (or when it failed to load). */
import { json } from '@sveltejs/kit';
import { service } from '$lib/server/service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const { engine, queue } = service();
	const { state } = engine;
	const body = { status: state.status === 'ready' ? 'ok' : state.status, model: engine.modelId, ...queue.stats() };
	if (state.status === 'failed') Object.assign(body, { message: state.message });
	return json(body, { status: state.status === 'ready' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
};
