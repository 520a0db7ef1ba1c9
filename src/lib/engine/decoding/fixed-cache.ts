/**
 * @file The fixed-capacity decoder (scripts/models/fixed_cache.py): the self-attention cache lives
 * in buffers of our own, [rows, heads, 448, head_dim] per layer, which every step reads in place
 * and extends by the new positions only; the cross-attention keys/values are computed once per
 * window into reused buffers. Nothing a step allocates grows with the cache, where the merged
 * decoder returned (and onnxruntime, then onnxruntime-node, copied) the whole cache every step.
 *
 * Surviving beams are reordered in place: only the rows that move are copied, and only their
 * first `offset` positions (the rest is masked by the graph whatever it holds).
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';

/**
 * The onnxruntime package transformers.js runs on, passed in by the caller (onnxruntime-node on
 * the server). Taken from transformers.js's own objects it would not do: its Tensor class is
 * onnxruntime-common's ES module, the session's is the CommonJS copy, and a session only fills
 * output buffers of its own Tensor class.
 */
export interface OrtClasses {
	InferenceSession: typeof InferenceSession;
	Tensor: typeof OrtTensor;
}

/** The model's dimensions the buffers are cut to (from its config.json). */
export interface DecoderShape {
	layers: number;
	heads: number;
	headDim: number;
	/** Self-attention positions: max_target_positions (448). */
	capacity: number;
	/** Encoder positions: max_source_positions (1500). */
	frames: number;
	vocab: number;
}

/** One window's cross-attention keys and values, batch 1 (the graph broadcasts it over rows). */
export class CrossKv {
	constructor(readonly feeds: Record<string, OrtTensor>) {}
}

/** A decode's self-attention cache: `batch` rows whose first `offset` positions are filled. */
export class FixedKvCache {
	batch = 0;
	offset = 0;
	/** Rows the buffers have room for. */
	rowCapacity: number;
	keys: Float32Array[];
	values: Float32Array[];
	/** Output buffers of one-token steps, by batch size: logits, then a key and a value per layer. */
	readonly stepOutputs = new Map<number, Record<string, OrtTensor>>();

	constructor(
		readonly shape: DecoderShape,
		rows: number,
		readonly release: (cache: FixedKvCache) => void
	) {
		this.rowCapacity = rows;
		const size = rows * rowSize(shape);
		this.keys = Array.from({ length: shape.layers }, () => new Float32Array(size));
		this.values = Array.from({ length: shape.layers }, () => new Float32Array(size));
	}

	/** Room for `rows` rows, keeping what the current ones hold. */
	grow(rows: number): void {
		if (rows <= this.rowCapacity) return;
		const size = rows * rowSize(this.shape);
		const regrow = (old: Float32Array) => {
			const next = new Float32Array(size);
			next.set(old);
			return next;
		};
		this.keys = this.keys.map(regrow);
		this.values = this.values.map(regrow);
		this.rowCapacity = rows;
	}

	dispose(): void {
		this.release(this);
	}
}

const rowSize = ({ heads, capacity, headDim }: DecoderShape) => heads * capacity * headDim;
const crossAttentionName = (layer: number) => `cross_attentions.${layer}`;

export class FixedCacheDecoder {
	readonly #ort: OrtClasses;
	readonly #crossKv: InferenceSession;
	readonly #decoder: InferenceSession;
	readonly shape: DecoderShape;
	readonly #freeCaches: FixedKvCache[] = [];
	readonly #freeCross: Array<Record<string, OrtTensor>> = [];
	/** Staging for the rows a reorder moves (grown on demand, kept). */
	#scratch = new Float32Array(0);
	/** What a decoding step fetches: the logits and the new keys/values, not word timing's weights. */
	readonly #stepFetches: string[];
	/**
	 * Whether the graph also returns the cross-attention weights word timing reads (models
	 * converted since it does), so that the merged decoder need not stay loaded for them.
	 */
	readonly timesWords: boolean;

	/**
	 * Whether a run writes into output tensors passed to it: onnxruntime-node does; onnxruntime-web
	 * binds a copy of them in its WASM heap and never copies back, so there outputs come back new.
	 */
	readonly #fillsOutputs: boolean;

	constructor(ort: OrtClasses, crossKv: InferenceSession, decoder: InferenceSession, shape: DecoderShape, fillsOutputs: boolean) {
		this.#ort = ort;
		this.#fillsOutputs = fillsOutputs;
		this.#crossKv = crossKv;
		this.#decoder = decoder;
		this.shape = shape;
		this.#stepFetches = ['logits', ...Array.from({ length: shape.layers }, (_, i) => [`key.${i}`, `value.${i}`]).flat()];
		this.timesWords = decoder.outputNames.includes(crossAttentionName(0));
	}

	/** The cross-attention keys/values of an encoded window, into buffers reused across windows. */
	async crossKv(hidden: Float32Array): Promise<CrossKv> {
		const { layers, heads, frames, headDim } = this.shape;
		const states = new this.#ort.Tensor('float32', hidden, [1, frames, hidden.length / frames]);
		if (!this.#fillsOutputs) return new CrossKv(await this.#crossKv.run({ encoder_hidden_states: states }));
		const outputs =
			this.#freeCross.pop() ??
			Object.fromEntries(
				Array.from({ length: layers }, (_, layer) =>
					['key', 'value'].map(
						(kind) =>
							[
								`cross_${kind}.${layer}`,
								new this.#ort.Tensor('float32', new Float32Array(heads * frames * headDim), [1, heads, frames, headDim])
							] as const
					)
				).flat()
			);
		await this.#crossKv.run({ encoder_hidden_states: states }, outputs);
		return new CrossKv(outputs);
	}

	releaseCross(cross: CrossKv): void {
		if (this.#fillsOutputs) this.#freeCross.push(cross.feeds);
	}

	/** An empty cache for `batch` rows (buffers come back from decodes that ended). */
	acquire(batch: number): FixedKvCache {
		// A cache disposed twice must not be handed to two decodes at once.
		const release = (done: FixedKvCache) => void (this.#freeCaches.includes(done) || this.#freeCaches.push(done));
		const cache = this.#freeCaches.pop() ?? new FixedKvCache(this.shape, batch, release);
		cache.grow(batch);
		cache.batch = batch;
		cache.offset = 0;
		return cache;
	}

	/**
	 * Feeds `ids` (one row per cache row, all the same length) at the cache's offset and returns
	 * the logits at `logitPositions` of each row, [rows × positions × vocab]. The returned array
	 * is reused by the next one-token step of a cache with this batch size: read it before then.
	 */
	async step(
		cross: CrossKv,
		ids: readonly (readonly number[])[],
		cache: FixedKvCache,
		logitPositions: readonly number[]
	): Promise<Float32Array> {
		const { layers, heads, capacity, headDim, vocab } = this.shape;
		const batch = ids.length;
		const tokens = ids[0]!.length;
		if (batch !== cache.batch) throw new Error(`The decoder got ${batch} rows for a cache of ${cache.batch}.`);
		if (cache.offset + tokens > capacity) throw new RangeError(`The decoder holds ${capacity} positions; ${cache.offset + tokens} asked.`);
		const feeds = this.#feeds(cross, ids, cache, logitPositions);
		// One-token steps write into buffers kept with the cache; the prompt's run allocates once.
		const outputs = this.#fillsOutputs && tokens === 1 && logitPositions.length === 1 ? this.#stepOutputs(cache, batch) : null;
		const results = await this.#decoder.run(feeds, outputs ?? this.#stepFetches);
		for (let layer = 0; layer < layers; layer++) {
			writeAt(cache.keys[layer]!, results[`key.${layer}`]!.data as Float32Array, cache.offset, tokens, batch * heads, capacity, headDim);
			writeAt(
				cache.values[layer]!,
				results[`value.${layer}`]!.data as Float32Array,
				cache.offset,
				tokens,
				batch * heads,
				capacity,
				headDim
			);
		}
		cache.offset += tokens;
		const logits = results.logits!.data as Float32Array;
		if (logits.length !== batch * logitPositions.length * vocab) throw new Error('The decoder returned logits of an unexpected size.');
		return logits;
	}

	#feeds(
		cross: CrossKv,
		ids: readonly (readonly number[])[],
		cache: FixedKvCache,
		logitPositions: readonly number[]
	): Record<string, OrtTensor> {
		const { Tensor } = this.#ort;
		const { layers, heads, capacity, headDim } = this.shape;
		const batch = ids.length;
		const feeds: Record<string, OrtTensor> = {
			...cross.feeds,
			input_ids: new Tensor('int64', BigInt64Array.from(ids.flat(), BigInt), [batch, ids[0]!.length]),
			offset: new Tensor('int64', BigInt64Array.of(BigInt(cache.offset)), [1]),
			logit_positions: new Tensor('int64', BigInt64Array.from(logitPositions, BigInt), [logitPositions.length])
		};
		const used = batch * rowSize(this.shape);
		for (let layer = 0; layer < layers; layer++) {
			feeds[`past_key.${layer}`] = new Tensor('float32', cache.keys[layer]!.subarray(0, used), [batch, heads, capacity, headDim]);
			feeds[`past_value.${layer}`] = new Tensor('float32', cache.values[layer]!.subarray(0, used), [batch, heads, capacity, headDim]);
		}
		return feeds;
	}

	/**
	 * The softmaxed cross-attention weights of `tokens` (one row, from the first position) in one
	 * pass, for word timing: per layer asked for, [heads × tokens × frames].
	 */
	async crossAttentions(cross: CrossKv, tokens: readonly number[], layers: readonly number[]): Promise<Map<number, Float32Array>> {
		if (!this.timesWords) throw new Error('This fixed-capacity decoder has no cross-attention outputs (convert the model again).');
		if (tokens.length > this.shape.capacity)
			throw new RangeError(`The decoder holds ${this.shape.capacity} positions; ${tokens.length} asked.`);
		// A cache from the pool, from position 0: the graph masks whatever its rows hold.
		const cache = this.acquire(1);
		try {
			const feeds = this.#feeds(cross, [tokens], cache, [tokens.length - 1]);
			const results = await this.#decoder.run(feeds, layers.map(crossAttentionName));
			return new Map(layers.map((layer) => [layer, results[crossAttentionName(layer)]!.data as Float32Array]));
		} finally {
			cache.dispose();
		}
	}

	#stepOutputs(cache: FixedKvCache, batch: number): Record<string, OrtTensor> {
		let outputs = cache.stepOutputs.get(batch);
		if (!outputs) {
			const { Tensor } = this.#ort;
			const { layers, heads, headDim, vocab } = this.shape;
			outputs = { logits: new Tensor('float32', new Float32Array(batch * vocab), [batch, 1, vocab]) };
			for (let layer = 0; layer < layers; layer++) {
				for (const kind of ['key', 'value']) {
					outputs[`${kind}.${layer}`] = new Tensor('float32', new Float32Array(batch * heads * headDim), [batch, heads, 1, headDim]);
				}
			}
			cache.stepOutputs.set(batch, outputs);
		}
		return outputs;
	}

	/**
	 * Row i of the cache becomes what row `rows[i]` held: beams that survived a step, or copies
	 * of the prompt's one row. Rows that stay are not touched.
	 */
	selectRows(cache: FixedKvCache, rows: readonly number[]): void {
		cache.grow(rows.length);
		const { heads, headDim, capacity } = this.shape;
		const filled = cache.offset * headDim;
		const moved = [...new Set(rows.filter((row, i) => row !== i))];
		if (moved.length > 0) {
			const slot = heads * filled;
			if (this.#scratch.length < moved.length * slot) this.#scratch = new Float32Array(moved.length * slot);
			const scratch = this.#scratch;
			for (const buffer of [...cache.keys, ...cache.values]) {
				moved.forEach((row, s) => {
					for (let h = 0; h < heads; h++) {
						const from = (row * heads + h) * capacity * headDim;
						scratch.set(buffer.subarray(from, from + filled), s * slot + h * filled);
					}
				});
				rows.forEach((row, i) => {
					if (row === i) return;
					const s = moved.indexOf(row);
					for (let h = 0; h < heads; h++) {
						buffer.set(scratch.subarray(s * slot + h * filled, s * slot + (h + 1) * filled), (i * heads + h) * capacity * headDim);
					}
				});
			}
		}
		cache.batch = rows.length;
	}
}

/** Writes [rows, tokens, headDim] of new keys (or values) at `offset` of [rows, capacity, headDim]. */
function writeAt(
	cache: Float32Array,
	fresh: Float32Array,
	offset: number,
	tokens: number,
	rows: number,
	capacity: number,
	headDim: number
): void {
	const span = tokens * headDim;
	for (let r = 0; r < rows; r++) cache.set(fresh.subarray(r * span, (r + 1) * span), (r * capacity + offset) * headDim);
}
