/** @file Tells the page where this server's models come from, and which it can offer. */
import { browserModels } from '$lib/engine/models';
import { config } from '$lib/server/config';
import { localModelIds } from '$lib/server/model-files';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { modelSource, modelDir } = config();
	const offered = browserModels();
	const availableModels = modelSource === 'local' ? await localModelIds(modelDir, offered) : offered.map((m) => m.id);
	return { modelSource, availableModels };
};
