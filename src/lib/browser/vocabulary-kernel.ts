/**
 * @file The page's vocabulary projection (src/lib/engine/decoding/vocabulary.ts): the uint8 table
 * in a WASM module of its own, vocabulary-kernel.wat, which computes a hidden state's logits with
 * 128-bit SIMD on this thread. For tiny.en that is about 2 ms a row, against 10.7 ms on one thread
 * for onnxruntime-web's int8 kernel, which has no path for one row (bench/RESULTS-browser.md).
 */
import kernel from './vocabulary-kernel.wat';
import type { Vocabulary, VocabularyKernel, VocabularyTable } from '$lib/engine/decoding/vocabulary';

interface KernelExports {
	memory: WebAssembly.Memory;
	project(table: number, rows: number, width: number, x: number, count: number, bias: number, out: number, scale: number): void;
}

const PAGE = 65536;
/** The kernel reads 16 values of a row at a time and four rows at a time. */
const CHUNK = 16;
const ROW_BLOCK = 4;

/** The projection in WASM; undefined where the runtime lacks WASM SIMD or the table's shape does not fit the kernel. */
export const wasmVocabulary: VocabularyKernel = async (table) => {
	if (table.width % CHUNK !== 0 || table.rows < ROW_BLOCK || !WebAssembly.validate(kernel)) return undefined;
	const { instance } = await WebAssembly.instantiate(kernel, {});
	return new WasmVocabulary(instance.exports as unknown as KernelExports, table);
};

class WasmVocabulary implements Vocabulary {
	readonly rows: number;
	readonly width: number;
	readonly #kernel: KernelExports;
	readonly #scale: number;
	readonly #zeroPoint: number;
	/** Hidden states the scratch after the table has room for, and where its parts start. */
	#states = 0;
	#x = 0;
	#bias = 0;
	#out = 0;

	constructor(kernel: KernelExports, { weight, rows, width, scale, zeroPoint }: VocabularyTable) {
		this.#kernel = kernel;
		this.rows = rows;
		this.width = width;
		this.#scale = scale;
		this.#zeroPoint = zeroPoint;
		// The table at address 0, for good; the hidden states, their sums and the logits after it.
		this.#grow(weight.byteLength);
		new Uint8Array(kernel.memory.buffer, 0, weight.byteLength).set(weight);
		this.#reserve(1);
	}

	embed(ids: readonly number[]): Float32Array {
		const { rows, width } = this;
		const table = new Uint8Array(this.#kernel.memory.buffer, 0, rows * width);
		const embeddings = new Float32Array(ids.length * width);
		ids.forEach((id, i) => {
			if (!(id >= 0 && id < rows)) throw new RangeError(`Token ${id} is not in the vocabulary.`);
			for (let k = 0; k < width; k++) embeddings[i * width + k] = Math.fround((table[id * width + k]! - this.#zeroPoint) * this.#scale);
		});
		return embeddings;
	}

	project(input: Float32Array, scale: number): Float32Array {
		const { rows, width } = this;
		const states = input.length / width;
		if (!Number.isInteger(states)) throw new RangeError('The hidden states are not whole rows of the model width.');
		this.#reserve(states);
		const buffer = this.#kernel.memory.buffer;
		const x = new Int16Array(buffer, this.#x, states * width);
		const bias = new Int32Array(buffer, this.#bias, states);
		for (let i = 0; i < states; i++) {
			// sum_k x (w - zp) = sum_k x w - zp sum_k x: the kernel takes the second term as the row's bias.
			let sum = 0;
			for (let k = i * width; k < (i + 1) * width; k++) {
				x[k] = input[k]!;
				sum += input[k]!;
			}
			bias[i] = this.#zeroPoint * sum;
		}
		this.#kernel.project(0, rows, width, this.#x, states, this.#bias, this.#out, scale);
		return new Float32Array(this.#kernel.memory.buffer, this.#out, states * rows);
	}

	/** Room after the table for `states` hidden states, their sums and their logits. */
	#reserve(states: number): void {
		if (states <= this.#states) return;
		const align = (address: number) => Math.ceil(address / CHUNK) * CHUNK;
		this.#x = align(this.rows * this.width);
		this.#bias = align(this.#x + states * this.width * 2);
		this.#out = align(this.#bias + states * 4);
		this.#grow(this.#out + states * this.rows * 4);
		this.#states = states;
	}

	#grow(bytes: number): void {
		const memory = this.#kernel.memory;
		if (bytes <= memory.buffer.byteLength) return;
		try {
			memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
		} catch (error) {
			// The browser refused the memory (a RangeError): said as the engine's other out-of-memory failures are.
			const reason = error instanceof Error ? error.message : String(error);
			throw new Error(`Out of memory: could not allocate ${Math.ceil(bytes / 1e6)} MB for the vocabulary's table (${reason}).`);
		}
	}
}
