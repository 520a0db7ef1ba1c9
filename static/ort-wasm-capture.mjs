// onnxruntime-web imports its WASM runtime's factory from the URL it is given (env.wasm.wasmPaths.mjs).
// The transcription worker gives it this module, with the real factory's URL as `?factory=`: the
// module the factory makes is handed to the worker too, whose decoder keeps its buffers in that
// module's heap (src/lib/browser/ort-heap.ts). Runtime threads load the real factory, not this.
const { default: factory } = await import(new URL(import.meta.url).searchParams.get('factory'));

export default async function captureOrtWasm(config) {
	const module = await factory(config);
	globalThis.__koeOnnxRuntimeWasm = module;
	return module;
}
