/**
 * @file Where model files come from: the Hugging Face hub (the default for users) or a local
 * folder (air-gapped installs and tests), served by our server at /models/ to browsers.
 */
import { env } from '@huggingface/transformers';
import type { ModelEntry } from './models';

export type ModelSource =
	| { kind: 'hub' }
	/** `root` is a URL prefix in the browser (e.g. "/models/") or a folder path in Node. */
	| { kind: 'local'; root: string };

/** Points transformers.js at the source. Call once, before the first model loads. */
export function useModelSource(source: ModelSource): void {
	if (source.kind === 'local') {
		env.allowLocalModels = true;
		env.allowRemoteModels = false;
		env.localModelPath = source.root.endsWith('/') ? source.root : `${source.root}/`;
	} else {
		// Without this, transformers.js first probes our own origin for every file and logs 404s.
		env.allowLocalModels = false;
		env.allowRemoteModels = true;
	}
}

/** The id transformers.js resolves against the source: a hub repo or a local folder name. */
export function modelPath(model: ModelEntry, source: ModelSource): string {
	return source.kind === 'local' ? model.localName : model.hubRepo;
}
