/** @file GET /v1/models: the model this server runs, under its own id and OpenAI's "whisper-1". */
import { json } from '@sveltejs/kit';
import { apiRoute } from '$lib/server/api/handler';
import { OPENAI_MODEL_ALIAS } from '$lib/server/api/openapi';
import { service } from '$lib/server/service';
import type { RequestHandler } from './$types';

const started = Math.floor(Date.now() / 1000);

export const GET: RequestHandler = apiRoute(async () => {
	const ids = [OPENAI_MODEL_ALIAS, service().config.model];
	return json({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created: started, owned_by: 'koe' })) });
});
