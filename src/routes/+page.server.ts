/**
 * @file Tells the page where this server's models come from, which it can offer, and which
 * model this server itself runs for browsers that can't (the HTTP API's model).
 */
import { browserModels } from '$lib/engine/models';
import { config } from '$lib/server/config';
import { localModelIds } from '$lib/server/model-files';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { modelSource, modelDir, model } = config();
	const offered = browserModels();
	const availableModels = modelSource === 'local' ? await localModelIds(modelDir, offered) : offered.map((m) => m.id);
	return { modelSource, availableModels, server: { model } };
};
