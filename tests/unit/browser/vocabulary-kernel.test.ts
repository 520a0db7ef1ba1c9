/**
 * @file The page's vocabulary projection (src/lib/browser/vocabulary-kernel.ts and its .wat)
 * against the integer arithmetic of onnxruntime's MatMulInteger, Cast and Mul written out in
 * JavaScript, and the table's file reader. On real weights and speech the kernel gives the whole
 * graph's tokens (ort-heap.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { wasmVocabulary } from '$lib/browser/vocabulary-kernel';
import { readVocabularyTable, type VocabularyTable } from '$lib/engine/decoding/vocabulary';

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

function table(rows: number, width: number, zeroPoint: number, next: () => number): VocabularyTable {
	return {
		weight: Uint8Array.from({ length: rows * width }, () => Math.floor(next() * 256)),
		rows,
		width,
		scale: Math.fround(0.0030244715),
		zeroPoint
	};
}

/** logits[i, v] = f32(sum_k x[i,k] (w[v,k] - zp)) * scale, each step as onnxruntime rounds it. */
function reference({ weight, rows, width, zeroPoint }: VocabularyTable, input: Float32Array, scale: number): Float32Array {
	const states = input.length / width;
	const out = new Float32Array(states * rows);
	for (let i = 0; i < states; i++)
		for (let v = 0; v < rows; v++) {
			let sum = 0;
			for (let k = 0; k < width; k++) sum += input[i * width + k]! * (weight[v * width + k]! - zeroPoint);
			out[i * rows + v] = Math.fround(Math.fround(sum) * Math.fround(scale));
		}
	return out;
}

/** The first few places two arrays differ (a whole-array diff of 50 000 floats takes minutes to print). */
function differences(actual: Float32Array, expected: Float32Array): string[] {
	if (actual.length !== expected.length) return [`length ${actual.length}, expected ${expected.length}`];
	const found = [];
	for (let i = 0; i < actual.length && found.length < 5; i++)
		if (actual[i] !== expected[i]) found.push(`[${i}] ${actual[i]}, expected ${expected[i]}`);
	return found;
}

describe("the page's vocabulary projection", () => {
	// Rows not a multiple of the kernel's block of four (base's vocabulary is 51 865), the
	// extremes of both operands, one hidden state (greedy) and five (beams).
	for (const [rows, width, states] of [
		[51865, 384, 1],
		[1031, 64, 5],
		[4, 16, 2]
	] as const) {
		it(`gives onnxruntime's logits for ${states} state(s) of width ${width} by ${rows} rows`, async () => {
			const next = random(rows * width + states);
			const vocabulary = table(rows, width, 95, next);
			vocabulary.weight.set([0, 255, 255, 0], 0);
			const kernel = (await wasmVocabulary(vocabulary))!;
			const input = Float32Array.from({ length: states * width }, () => Math.floor(next() * 511) - 255);
			input.set([-255, 255, 255, -255], 0);
			const scale = Math.fround(0.0123);
			expect(differences(kernel.project(input, scale), reference(vocabulary, input, scale))).toEqual([]);
			// The arrays are reused; a second call with fewer states is cut to them.
			const one = input.subarray(0, width);
			expect(differences(kernel.project(one, scale), reference(vocabulary, one, scale))).toEqual([]);
		});
	}

	it('looks tokens up as DequantizeLinear does, and refuses one outside the vocabulary', async () => {
		const vocabulary = table(100, 32, 7, random(1));
		const kernel = (await wasmVocabulary(vocabulary))!;
		const embeddings = kernel.embed([3, 99]);
		expect(embeddings).toHaveLength(64);
		expect(embeddings[40]).toBe(Math.fround((vocabulary.weight[99 * 32 + 8]! - 7) * vocabulary.scale));
		expect(() => kernel.embed([100])).toThrow(/not in the vocabulary/);
	});

	it('declines a table the kernel cannot read (a width not a multiple of 16)', async () => {
		expect(await wasmVocabulary(table(8, 24, 0, random(2)))).toBeUndefined();
	});

	it("reads the table's safetensors file, and says when it is cut short", () => {
		const weight = Uint8Array.from({ length: 6 }, (_, i) => i * 40);
		const scale = new Uint8Array(new Float32Array([0.5]).buffer);
		const header = JSON.stringify({
			__metadata__: { vocab: '3' },
			weight: { dtype: 'U8', shape: [3, 2], data_offsets: [0, 6] },
			scale: { dtype: 'F32', shape: [1], data_offsets: [6, 10] },
			zero_point: { dtype: 'U8', shape: [1], data_offsets: [10, 11] }
		});
		const text = new TextEncoder().encode(header);
		const file = new Uint8Array(8 + text.length + 11);
		new DataView(file.buffer).setBigUint64(0, BigInt(text.length), true);
		file.set(text, 8);
		file.set([...weight, ...scale, 128], 8 + text.length);
		const read = readVocabularyTable(file);
		expect([read.rows, read.width, read.scale, read.zeroPoint]).toEqual([3, 2, 0.5, 128]);
		expect([...read.weight]).toEqual([...weight]);
		expect(() => readVocabularyTable(file.subarray(0, file.length - 3))).toThrow(/cut short/);
		expect(() => readVocabularyTable(file.subarray(0, 4))).toThrow(/cut short/);
	});
});
