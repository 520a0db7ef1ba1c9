// onnxruntime-web imports its WASM runtime's factory from the URL it is given (env.wasm.wasmPaths.mjs).
// The transcription worker gives it this module, with the real factory's URL as `?factory=`: the
// module the factory makes is handed to the worker too, whose decoder keeps its buffers in that
// module's heap (src/lib/browser/ort-heap.ts). Runtime threads load the real factory, not this.
const here = new URL(import.meta.url);
const factoryUrl = new URL(here.searchParams.get('factory') ?? '', here);
if (factoryUrl.origin !== here.origin) throw new Error(`onnxruntime-web's factory must come from ${here.origin}.`);
const { default: factory } = await import(factoryUrl.href);

export default async function captureOrtWasm(config) {
	const module = await factory(config);
	globalThis.__koeOnnxRuntimeWasm = module;
	return module;
}
