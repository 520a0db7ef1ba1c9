/**
 * @file Where the fixed-capacity decoder's buffers live (its cache, the window's cross-attention
 * keys/values, a step's outputs), and the runs that read and fill them.
 *
 * onnxruntime-node reads a Float32Array where it is and writes into output tensors passed to it:
 * `jsMemory` keeps the buffers as Float32Arrays. onnxruntime-web copies every input into its WASM
 * heap on every run, and a decoder step's inputs are mostly the window's cross-attention
 * keys/values and the cache: 24 MB a step for tiny.en, a quarter of the step's time. In the page,
 * the buffers therefore live in that heap instead (src/lib/browser/ort-heap.ts).
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import type { OrtClasses } from './fixed-cache';

export interface FloatBuffer {
	/** Floats in the buffer. */
	readonly length: number;
	/**
	 * The buffer's floats. Use the view at once: in a WASM heap a view is made for each use, as the
	 * heap may have grown (and moved to a new ArrayBuffer) since the last one.
	 */
	view(): Float32Array;
}

/** A buffer as a run's input or output: its first `dims`' product of floats, in that shape. */
export interface BufferFeed {
	buffer: FloatBuffer;
	dims: readonly number[];
}

/** A run's input: a buffer read where it is, or data the run copies in. */
export type Feed = BufferFeed | { data: Float32Array | BigInt64Array; dims: readonly number[] };

export interface DecoderMemory {
	/** A buffer of `length` zeros (the graph masks stale cache positions, but 0 × NaN is NaN). */
	allocate(length: number): FloatBuffer;
	/** Gives a buffer's memory back; it is not used again. */
	free(buffer: FloatBuffer): void;
	/**
	 * Runs `session`. The outputs in `into` are written into those buffers; the ones in `fetches`
	 * come back as arrays of their own.
	 */
	run(
		session: InferenceSession,
		feeds: Record<string, Feed>,
		fetches: readonly string[],
		into?: Record<string, BufferFeed>
	): Promise<Record<string, Float32Array>>;
}

export const elementsOf = (dims: readonly number[]) => dims.reduce((product, dim) => product * dim, 1);

class JsBuffer implements FloatBuffer {
	constructor(readonly data: Float32Array) {}
	get length(): number {
		return this.data.length;
	}
	view(): Float32Array {
		return this.data;
	}
}

/**
 * Buffers in JavaScript's heap. `fillsOutputs`: the runtime writes into output tensors passed to
 * it (onnxruntime-node does); otherwise (onnxruntime-web, which binds a copy of them in its heap
 * and never copies back) outputs come back new and are copied into their buffers.
 */
export function jsMemory({ Tensor }: OrtClasses, fillsOutputs: boolean): DecoderMemory {
	const tensorOf = (feed: Feed): OrtTensor =>
		'buffer' in feed
			? new Tensor('float32', feed.buffer.view().subarray(0, elementsOf(feed.dims)), feed.dims)
			: feed.data instanceof BigInt64Array
				? new Tensor('int64', feed.data, feed.dims)
				: new Tensor('float32', feed.data, feed.dims);
	return {
		allocate: (length) => new JsBuffer(new Float32Array(length)),
		free: () => {},
		async run(session, feeds, fetches, into = {}) {
			const inputs = Object.fromEntries(Object.entries(feeds).map(([name, feed]) => [name, tensorOf(feed)]));
			const filled = Object.keys(into);
			const results = fillsOutputs
				? await session.run(inputs, {
						...Object.fromEntries(fetches.map((name) => [name, null])),
						...Object.fromEntries(filled.map((name) => [name, tensorOf(into[name]!)]))
					})
				: await session.run(inputs, [...fetches, ...filled]);
			if (!fillsOutputs) for (const name of filled) into[name]!.buffer.view().set(results[name]!.data as Float32Array);
			return Object.fromEntries(fetches.map((name) => [name, results[name]!.data as Float32Array]));
		}
	};
}
