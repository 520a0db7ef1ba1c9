/**
 * @file Where a transcription runs: on this device, or on the Koe server that served the page.
 * Pure, from the probed capabilities, the chosen model and the user's preference, so the page
 * can show why, and the rule is unit-tested.
 */
import type { ModelEntry } from '$lib/engine/models';
import type { Capabilities } from './capabilities';

export type RoutePreference = 'auto' | 'local' | 'server';

/** Why the job runs where it does (the page words it). */
export type RouteReason = 'local' | 'chosen-local' | 'chosen-server' | 'no-wasm' | 'server-only-model' | 'too-large' | 'no-server';

export interface Route {
	where: 'local' | 'server' | 'nowhere';
	reason: RouteReason;
}

/** The server's side of the choice: whether it transcribes for browsers at all. */
export interface ServerOffer {
	/** The model the server runs; null when the page's server offers no transcription. */
	model: string | null;
	/** The Bearer token the page calls the API with (API_KEYS with PAGE_FALLBACK=on); null when the API is open. */
	token?: string | null;
}

/** Whether this device can run the model at all, and if not, why (the registry says what each model needs). */
function localLimit(model: ModelEntry, caps: Capabilities): RouteReason | null {
	if (!caps.wasm) return 'no-wasm';
	if (model.serverOnly) return 'server-only-model';
	if (model.needsShaderF16 && caps.device !== 'webgpu-f16') return 'too-large';
	if (model.minDeviceMemoryGb !== null && caps.memoryGb !== null && caps.memoryGb < model.minDeviceMemoryGb) return 'too-large';
	return null;
}

export function chooseRoute(model: ModelEntry, caps: Capabilities, server: ServerOffer, preference: RoutePreference): Route {
	const serverReady = server.model !== null;
	if (preference === 'server' && serverReady) return { where: 'server', reason: 'chosen-server' };
	const limit = localLimit(model, caps);
	if (preference === 'local' && (!limit || limit === 'too-large') && caps.wasm && !model.serverOnly) {
		// The user may try a large model anyway; only what cannot run at all is refused.
		return { where: 'local', reason: 'chosen-local' };
	}
	if (!limit) return { where: 'local', reason: 'local' };
	return serverReady ? { where: 'server', reason: limit } : { where: 'nowhere', reason: 'no-server' };
}
