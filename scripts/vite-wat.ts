/**
 * @file A Vite plugin that compiles imported WebAssembly text (`.wat`) to its binary with wabt,
 * at build and test time: the module's default export is the binary's bytes. The source stays the
 * readable text; no binary is kept in the repository.
 */
import type { Plugin } from 'vite';
import initWabt from 'wabt';

/** The WebAssembly features the text may use (SIMD is in every browser the page supports). */
const FEATURES = { simd: true };

export function wat(): Plugin {
	let wabt: Awaited<ReturnType<typeof initWabt>> | undefined;
	return {
		name: 'koe-wat',
		async transform(source, id) {
			if (!id.endsWith('.wat')) return null;
			wabt ??= await initWabt();
			const module = wabt.parseWat(id, source, FEATURES);
			try {
				module.validate();
				const { buffer } = module.toBinary({});
				const base64 = Buffer.from(buffer).toString('base64');
				return { code: `export default Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0));`, map: null };
			} finally {
				module.destroy();
			}
		}
	};
}
