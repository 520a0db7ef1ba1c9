/**
 * @file The fixed-capacity decoder's buffers in onnxruntime-web's WASM heap, so that a decoder
 * step reads its cache and the window's cross-attention keys/values where they are.
 *
 * onnxruntime-web copies every input of a run into its heap (and has no CPU IO binding to avoid
 * it): for tiny.en that is 24 MB a decoder step, 2.6 of its 11.5 ms (bench/RESULTS-browser.md).
 * Its runtime is an Emscripten module whose C API (`_OrtCreateTensor`, `_OrtRun`, …) takes heap
 * addresses; onnxruntime-web's own run calls it the same way, after its copies. Two things are
 * not in onnxruntime-web's public API, and both are checked, falling back to its copying runs:
 *
 * - the module itself: onnxruntime-web imports its factory from the URL `env.wasm.wasmPaths.mjs`
 *   gives, so the worker points that at static/ort-wasm-capture.mjs, which imports the real
 *   factory and hands the module it makes to `globalThis[CAPTURED]`;
 * - a session's handle in that module, which its handler keeps as `sessionId`.
 *
 * Only for the plain build, whose runs return at once (the asyncify build's are promises).
 * onnxruntime-web's version is pinned in package.json: a new one is checked by the page's tests.
 */
import type { InferenceSession } from 'onnxruntime-common';
import { elementsOf, type BufferFeed, type DecoderMemory, type Feed, type FloatBuffer } from '$lib/engine/decoding/decoder-memory';

/** The global static/ort-wasm-capture.mjs hands the runtime's module to. */
export const CAPTURED = '__koeOnnxRuntimeWasm';

/** The part of onnxruntime-web's Emscripten module this file calls (its lib/wasm/wasm-types.ts). */
interface OrtWasmModule {
	PTR_SIZE: number;
	HEAPU8: Uint8Array;
	_malloc(bytes: number): number;
	_free(pointer: number): void;
	_OrtCreateTensor(type: number, data: number, bytes: number, dims: number, rank: number, location: number): number;
	_OrtGetTensorData(tensor: number, type: number, data: number, dims: number, rank: number): number;
	_OrtReleaseTensor(tensor: number): number;
	_OrtFree(pointer: number): number;
	_OrtRun(
		session: number,
		inputNames: number,
		inputs: number,
		inputCount: number,
		outputNames: number,
		outputCount: number,
		outputs: number,
		runOptions: number
	): number | Promise<number>;
	_OrtGetLastError(code: number, message: number): number;
	getValue(pointer: number, type: string): number;
	setValue(pointer: number, value: number, type: string): void;
	stackSave(): number;
	stackRestore(stack: number): void;
	stackAlloc(bytes: number): number;
	UTF8ToString(pointer: number): string;
	lengthBytesUTF8(text: string): number;
	stringToUTF8(text: string, pointer: number, bytes: number): void;
}

const REQUIRED: ReadonlyArray<keyof OrtWasmModule> = [
	'_malloc',
	'_free',
	'_OrtCreateTensor',
	'_OrtGetTensorData',
	'_OrtReleaseTensor',
	'_OrtFree',
	'_OrtRun',
	'_OrtGetLastError',
	'getValue',
	'setValue',
	'stackSave',
	'stackRestore',
	'stackAlloc',
	'UTF8ToString',
	'lengthBytesUTF8',
	'stringToUTF8'
];

/** onnxruntime's element types (ONNX TensorProto.DataType) and its CPU location (wasm-common.ts). */
const FLOAT32 = 1;
const INT64 = 7;
const CPU = 1;

/** The URL to give onnxruntime-web as its factory's: the capturing module, told where the real one is. */
export function captureFactoryUrl(captureModuleUrl: string | URL, factoryUrl: string | URL, base: string | URL): string {
	const url = new URL(captureModuleUrl, base);
	url.searchParams.set('factory', new URL(factoryUrl, base).href);
	return url.href;
}

/**
 * The fixed-capacity decoder's memory in the captured module's heap, for these sessions; undefined
 * (onnxruntime-web's copying runs, then) where the module was not captured, lacks a function this
 * file calls, or a session has no handle in it.
 */
export function heapMemory(sessions: readonly InferenceSession[]): DecoderMemory | undefined {
	const module = (globalThis as Record<string, unknown>)[CAPTURED] as Partial<OrtWasmModule> | undefined;
	if (!module || module.PTR_SIZE !== 4 || !REQUIRED.every((name) => typeof module[name] === 'function')) return undefined;
	if (!sessions.every((session) => sessionHandle(session) !== undefined)) return undefined;
	return new WasmHeapMemory(module as OrtWasmModule);
}

class HeapBuffer implements FloatBuffer {
	constructor(
		readonly heap: WasmHeapMemory,
		readonly pointer: number,
		readonly length: number
	) {}
	view(): Float32Array {
		return new Float32Array(this.heap.bytes(), this.pointer, this.length);
	}
}

class WasmHeapMemory implements DecoderMemory {
	readonly #module: OrtWasmModule;
	/** Input and output names, written once into the heap as C strings. */
	readonly #names = new Map<string, number>();

	constructor(module: OrtWasmModule) {
		this.#module = module;
	}

	/**
	 * The heap's current ArrayBuffer. A runtime thread may have grown the heap since this thread
	 * last looked; the module's getValue refreshes its views (HEAPU8 among them) when it has.
	 */
	bytes(): ArrayBufferLike {
		this.#module.getValue(0, 'i8');
		return this.#module.HEAPU8.buffer;
	}

	allocate(length: number): FloatBuffer {
		const pointer = this.#malloc(length * 4);
		const buffer = new HeapBuffer(this, pointer, length);
		buffer.view().fill(0);
		return buffer;
	}

	free(buffer: FloatBuffer): void {
		if (!(buffer instanceof HeapBuffer) || buffer.heap !== this) throw new Error('This buffer is not in this heap.');
		this.#module._free(buffer.pointer);
	}

	async run(
		session: InferenceSession,
		feeds: Record<string, Feed>,
		fetches: readonly string[],
		into: Record<string, BufferFeed> = {}
	): Promise<Record<string, Float32Array>> {
		const wasm = this.#module;
		const handle = sessionHandle(session);
		if (handle === undefined) throw new Error("This session has no handle in onnxruntime-web's WASM module.");
		const inputs = Object.entries(feeds);
		const outputs = [...fetches.map((name) => [name, undefined] as const), ...Object.entries(into)];
		const tensors: number[] = [];
		const copies: number[] = [];
		const stack = wasm.stackSave();
		try {
			const inputNames = wasm.stackAlloc(4 * inputs.length);
			const inputValues = wasm.stackAlloc(4 * inputs.length);
			inputs.forEach(([name, feed], i) => {
				wasm.setValue(inputNames + 4 * i, this.#name(name), '*');
				wasm.setValue(inputValues + 4 * i, this.#tensor(feed, tensors, copies), '*');
			});
			const outputNames = wasm.stackAlloc(4 * outputs.length);
			const outputValues = wasm.stackAlloc(4 * outputs.length);
			// 0: onnxruntime allocates the output; a tensor: it writes into that one.
			const given = outputs.map(([, feed]) => (feed ? this.#tensor(feed, tensors, copies) : 0));
			outputs.forEach(([name], i) => {
				wasm.setValue(outputNames + 4 * i, this.#name(name), '*');
				wasm.setValue(outputValues + 4 * i, given[i]!, '*');
			});
			// Called, not awaited: nothing may run between this run's stack allocations and their
			// release, or another run's (onnxruntime-web's own, awaiting inside) would interleave.
			const code = wasm._OrtRun(handle, inputNames, inputValues, inputs.length, outputNames, outputs.length, outputValues, 0);
			if (typeof code !== 'number')
				throw new Error("This onnxruntime-web build's runs are asynchronous; the heap runs only the plain build.");
			if (code !== 0) this.#throwLastError('The decoder run failed');
			// Every output onnxruntime made is released with the run's tensors, even if reading one fails.
			const made = outputs.map((_, i) => wasm.getValue(outputValues + 4 * i, '*'));
			for (const tensor of made) if (!tensors.includes(tensor)) tensors.push(tensor);
			const results: Record<string, Float32Array> = {};
			outputs.forEach(([name, feed], i) => {
				if (feed && made[i] === given[i]) return; // written in place, as asked
				const data = this.#readFloats(made[i]!, name);
				if (feed) feed.buffer.view().set(data);
				else results[name] = data;
			});
			return results;
		} finally {
			for (const tensor of tensors) wasm._OrtReleaseTensor(tensor);
			for (const pointer of copies) wasm._free(pointer);
			wasm.stackRestore(stack);
		}
	}

	/** A tensor over a buffer where it is, or over a copy of data (freed after the run). */
	#tensor(feed: Feed, tensors: number[], copies: number[]): number {
		const wasm = this.#module;
		let pointer: number;
		let bytes: number;
		let type = FLOAT32;
		if ('buffer' in feed) {
			if (!(feed.buffer instanceof HeapBuffer) || feed.buffer.heap !== this) throw new Error('This buffer is not in this heap.');
			bytes = elementsOf(feed.dims) * 4;
			if (bytes > feed.buffer.length * 4) throw new RangeError('A feed is larger than its buffer.');
			pointer = feed.buffer.pointer;
		} else {
			type = feed.data instanceof BigInt64Array ? INT64 : FLOAT32;
			bytes = feed.data.byteLength;
			pointer = this.#malloc(bytes);
			copies.push(pointer);
			new Uint8Array(this.bytes(), pointer, bytes).set(new Uint8Array(feed.data.buffer, feed.data.byteOffset, bytes));
		}
		const dims = wasm.stackAlloc(4 * feed.dims.length);
		feed.dims.forEach((dim, i) => wasm.setValue(dims + 4 * i, dim, 'i32'));
		const tensor = wasm._OrtCreateTensor(type, pointer, bytes, dims, feed.dims.length, CPU);
		if (tensor === 0) this.#throwLastError('A tensor could not be made');
		tensors.push(tensor);
		return tensor;
	}

	/** A copy of a float output onnxruntime allocated (released by the caller with the run's tensors). */
	#readFloats(tensor: number, name: string): Float32Array {
		const wasm = this.#module;
		const stack = wasm.stackSave();
		try {
			const fields = wasm.stackAlloc(16);
			if (wasm._OrtGetTensorData(tensor, fields, fields + 4, fields + 8, fields + 12) !== 0)
				this.#throwLastError(`Output ${name} could not be read`);
			const type = wasm.getValue(fields, 'i32');
			const data = wasm.getValue(fields + 4, '*');
			const dims = wasm.getValue(fields + 8, '*');
			const rank = wasm.getValue(fields + 12, 'i32');
			let length = 1;
			for (let i = 0; i < rank; i++) length *= wasm.getValue(dims + 4 * i, 'i32');
			wasm._OrtFree(dims);
			if (type !== FLOAT32) throw new Error(`Output ${name} is not float32.`);
			return new Float32Array(this.bytes(), data, length).slice();
		} finally {
			wasm.stackRestore(stack);
		}
	}

	#malloc(bytes: number): number {
		const pointer = this.#module._malloc(bytes);
		if (pointer === 0) throw new Error(`Out of memory: onnxruntime-web's heap has no room for ${bytes} more bytes.`);
		return pointer;
	}

	#name(name: string): number {
		let pointer = this.#names.get(name);
		if (pointer === undefined) {
			const bytes = this.#module.lengthBytesUTF8(name) + 1;
			pointer = this.#malloc(bytes);
			this.#module.stringToUTF8(name, pointer, bytes);
			this.#names.set(name, pointer);
		}
		return pointer;
	}

	#throwLastError(what: string): never {
		const wasm = this.#module;
		const stack = wasm.stackSave();
		try {
			const fields = wasm.stackAlloc(8);
			wasm._OrtGetLastError(fields, fields + 4);
			const message = wasm.getValue(fields + 4, '*');
			throw new Error(`${what}: ${message ? wasm.UTF8ToString(message) : 'onnxruntime gave no reason'}.`);
		} finally {
			wasm.stackRestore(stack);
		}
	}
}

/** The session's handle in the WASM module, which onnxruntime-web's session handler keeps. */
function sessionHandle(session: InferenceSession): number | undefined {
	const handle = (session as unknown as { handler?: { sessionId?: unknown } }).handler?.sessionId;
	return typeof handle === 'number' && handle !== 0 ? handle : undefined;
}
