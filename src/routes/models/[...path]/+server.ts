/** @file GET /models/<model>/<file>: local model files, when MODEL_SOURCE=local. */
import { error } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { modelFileResponse } from '$lib/server/model-files';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	const { modelSource, modelDir } = config();
	if (modelSource !== 'local') error(404, 'Models come from the Hugging Face hub on this server (MODEL_SOURCE=hub).');
	const response = await modelFileResponse(modelDir, params.path);
	if (!response) error(404, `No model file "${params.path}".`);
	return response;
};
