/**
 * @file The decoder's tied vocabulary outside its graph, for the page (scripts/models/vocabulary.py).
 *
 * onnxruntime-web's int8 matrix product has no path for one row, and the vocabulary projection
 * (one hidden state by the whole embedding table) was the largest part of a decoder step. The
 * page's q8 decoder therefore takes its input tokens as embeddings and returns the final hidden
 * state as the projection's own quantisation made it; a kernel of the runtime's
 * (src/lib/browser/vocabulary-kernel.ts) looks the tokens up in the uint8 table and computes the
 * logits from it, in integers, exactly as the graph's nodes did: the same logits, the same tokens.
 */

/** The table's file in a model folder (safetensors: `weight` uint8 [vocab, d], `scale`, `zero_point`). */
export const VOCABULARY_FILE = 'onnx/vocabulary_quantized.safetensors';

/** The embedding table and its quantisation: a value is (weight - zeroPoint) * scale. */
export interface VocabularyTable {
	weight: Uint8Array;
	/** Vocabulary entries (the table's rows) and the model's width (its columns). */
	rows: number;
	width: number;
	/** A float32 value. */
	scale: number;
	zeroPoint: number;
}

export interface Vocabulary {
	readonly rows: number;
	readonly width: number;
	/** The embeddings of `ids`, [ids × width], as the graph's Gather and DequantizeLinear made them. */
	embed(ids: readonly number[]): Float32Array;
	/**
	 * The logits [states × rows] of the graph's `projection_input` (states × width integers) and
	 * `projection_scale`. The returned array is reused by the next call: read it before then.
	 */
	project(input: Float32Array, scale: number): Float32Array;
}

/** Makes the projection for a table; undefined where this runtime cannot (the graph with the table runs). */
export type VocabularyKernel = (table: VocabularyTable) => Promise<Vocabulary | undefined>;

interface SafetensorsEntry {
	dtype: string;
	shape: number[];
	data_offsets: [number, number];
}

/**
 * The table from its safetensors file: an 8-byte little-endian header length, the JSON header
 * (each tensor's dtype, shape and byte range), then the tensors' bytes.
 */
export function readVocabularyTable(bytes: Uint8Array): VocabularyTable {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const headerLength = bytes.byteLength >= 8 ? Number(view.getBigUint64(0, true)) : Infinity;
	if (8 + headerLength > bytes.byteLength) throw new Error('The vocabulary file is cut short.');
	const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, SafetensorsEntry>;
	const tensor = (name: string, dtype: string, rank: number) => {
		const entry = header[name];
		if (!entry || entry.dtype !== dtype || entry.shape.length !== rank)
			throw new Error(`The vocabulary file has no ${dtype} ${name} of rank ${rank}.`);
		const [begin, end] = entry.data_offsets.map((offset) => 8 + headerLength + offset) as [number, number];
		if (end > bytes.byteLength) throw new Error('The vocabulary file is cut short.');
		return { shape: entry.shape, bytes: bytes.subarray(begin, end) };
	};
	const weight = tensor('weight', 'U8', 2);
	const [rows, width] = weight.shape as [number, number];
	if (weight.bytes.byteLength !== rows * width) throw new Error('The vocabulary table does not fill its shape.');
	const scale = tensor('scale', 'F32', 1).bytes;
	return {
		weight: weight.bytes,
		rows,
		width,
		scale: new DataView(scale.buffer, scale.byteOffset, 4).getFloat32(0, true),
		zeroPoint: tensor('zero_point', 'U8', 1).bytes[0]!
	};
}
