/**
 * @file Tells the page where this server's models come from, which it can offer, and which
 * model this server itself runs for browsers that can't (the HTTP API's model), with the token
 * the page calls it with when the API needs keys.
 */
import { browserModels } from '$lib/engine/models';
import { localModelIds } from '$lib/server/model-files';
import { service } from '$lib/server/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { config, keys } = service();
	const { modelSource, modelDir, model } = config;
	const offered = browserModels();
	const availableModels = modelSource === 'local' ? await localModelIds(modelDir, offered) : offered.map((m) => m.id);
	// With API_KEYS the page has no key: it gets a token of its own where PAGE_FALLBACK=on, and
	// offers no server otherwise.
	const token = keys.pageToken();
	if (!keys.open && !token) return { modelSource, availableModels, server: { model: null, token: null } };
	return { modelSource, availableModels, server: { model, token } };
};
