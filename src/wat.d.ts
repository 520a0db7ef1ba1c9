/** WebAssembly text, compiled at build time by scripts/vite-wat.ts: the module's bytes. */
declare module '*.wat' {
	const bytes: Uint8Array<ArrayBuffer>;
	export default bytes;
}
