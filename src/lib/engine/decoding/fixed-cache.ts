/**
 * @file The fixed-capacity decoder (scripts/models/fixed_cache.py): the self-attention cache lives
 * in buffers of our own, [rows, heads, 448, head_dim] per layer, which every step reads in place
 * and extends by the new positions only; the cross-attention keys/values are computed once per
 * window into reused buffers. Nothing a step allocates grows with the cache, where the merged
 * decoder returned (and onnxruntime, then onnxruntime-node, copied) the whole cache every step.
 * Where those buffers live is the runtime's (decoder-memory.ts): JavaScript's heap for
 * onnxruntime-node, onnxruntime-web's WASM heap in the page, so that no step copies them.
 *
 * Surviving beams are reordered in place: only the rows that move are copied, and only their
 * first `offset` positions (the rest is masked by the graph whatever it holds).
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { elementsOf, type BufferFeed, type DecoderMemory, type Feed, type FloatBuffer } from './decoder-memory';
import type { Vocabulary } from './vocabulary';

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
	constructor(readonly feeds: Record<string, BufferFeed>) {}
}

/**
 * Positions the cache passed to a step grows by: a step attends to the filled positions rounded up
 * to this, not to all 448 (graphs converted before this take 448 always). scripts/models/verify.py
 * checks the graph fed the same way.
 */
export const CACHE_BLOCK = 64;

/**
 * A decode's self-attention cache: `batch` rows whose first `offset` positions are filled, laid
 * out [rows, heads, held, head_dim], where `held` (a whole number of blocks, up to the model's
 * capacity) is what a step reads. It grows as the decode does: the filled positions move apart in
 * place, in the buffers sized for the whole capacity.
 */
export class FixedKvCache {
	batch = 0;
	offset = 0;
	/** Positions per row and head in the buffers' layout, and what a step is passed. */
	held: number;
	/** Rows the buffers have room for. */
	rowCapacity: number;
	keys: FloatBuffer[];
	values: FloatBuffer[];
	/**
	 * Output buffers of one-token steps, by batch size: the logits (or the projection's input),
	 * then a key and a value per layer.
	 */
	readonly stepOutputs = new Map<number, Record<string, BufferFeed>>();

	constructor(
		readonly shape: DecoderShape,
		readonly memory: DecoderMemory,
		rows: number,
		/** What `held` grows by: CACHE_BLOCK, or the capacity for a graph that takes only that. */
		readonly block: number,
		readonly release: (cache: FixedKvCache) => void
	) {
		this.held = block;
		this.rowCapacity = rows;
		const size = rows * rowSize(shape);
		this.keys = Array.from({ length: shape.layers }, () => memory.allocate(size));
		this.values = Array.from({ length: shape.layers }, () => memory.allocate(size));
	}

	/** Room for `rows` rows, keeping what the current ones hold. */
	grow(rows: number): void {
		if (rows <= this.rowCapacity) return;
		const size = rows * rowSize(this.shape);
		const regrow = (old: FloatBuffer) => {
			const next = this.memory.allocate(size);
			next.view().set(old.view());
			this.memory.free(old);
			return next;
		};
		this.keys = this.keys.map(regrow);
		this.values = this.values.map(regrow);
		this.rowCapacity = rows;
	}

	/** Empty, for a new decode of `batch` rows. */
	reset(batch: number): void {
		this.grow(batch);
		this.batch = batch;
		this.offset = 0;
		this.held = this.block;
	}

	/**
	 * Room for `positions` positions per row: `held` grows to whole blocks that cover them, each
	 * row's and head's filled positions moved to their new places. The last move first, as each
	 * lands at or past where it was.
	 */
	reserve(positions: number): void {
		const { heads, headDim, capacity } = this.shape;
		if (positions > capacity) throw new RangeError(`The decoder holds ${capacity} positions; ${positions} asked.`);
		if (positions <= this.held) return;
		const held = Math.min(capacity, Math.ceil(positions / this.block) * this.block);
		const filled = this.offset * headDim;
		for (const buffer of [...this.keys, ...this.values].map((b) => b.view())) {
			// One run of positions per row and head (`run`), each at `held` strides after the last.
			for (let run = this.batch * heads - 1; run > 0; run--) {
				buffer.copyWithin(run * held * headDim, run * this.held * headDim, run * this.held * headDim + filled);
			}
		}
		this.held = held;
	}

	dispose(): void {
		this.release(this);
	}

	/** Gives the buffers' memory back; the cache is not used again. */
	free(): void {
		for (const buffer of [...this.keys, ...this.values]) this.memory.free(buffer);
		for (const outputs of this.stepOutputs.values()) for (const { buffer } of Object.values(outputs)) this.memory.free(buffer);
		this.keys = [];
		this.values = [];
		this.stepOutputs.clear();
	}
}

const rowSize = ({ heads, capacity, headDim }: DecoderShape) => heads * capacity * headDim;
const crossAttentionName = (layer: number) => `cross_attentions.${layer}`;

export class FixedCacheDecoder {
	readonly memory: DecoderMemory;
	readonly #crossKv: InferenceSession;
	readonly #decoder: InferenceSession;
	readonly shape: DecoderShape;
	/**
	 * The vocabulary outside the graph, where the graph is the one without it (vocabulary.ts): the
	 * tokens go in as embeddings, and the logits are this projection of the graph's output.
	 */
	readonly vocabulary: Vocabulary | undefined;
	readonly #freeCaches: FixedKvCache[] = [];
	readonly #freeCross: CrossKv[] = [];
	#disposed = false;
	/** Staging for the rows a reorder moves (grown on demand, kept). */
	#scratch = new Float32Array(0);
	/** What a decoding step fetches: the logits (or their input) and the new keys/values, not word timing's weights. */
	readonly #stepFetches: string[];
	/**
	 * Whether the graph also returns the cross-attention weights word timing reads (models
	 * converted since it does), so that the merged decoder need not stay loaded for them.
	 */
	readonly timesWords: boolean;
	/** What a cache's `held` positions grow by: whole blocks where the graph takes fewer than 448. */
	readonly #block: number;

	constructor(memory: DecoderMemory, crossKv: InferenceSession, decoder: InferenceSession, shape: DecoderShape, vocabulary?: Vocabulary) {
		this.memory = memory;
		this.#crossKv = crossKv;
		this.#decoder = decoder;
		this.shape = shape;
		this.vocabulary = vocabulary;
		const logits = vocabulary ? ['projection_input', 'projection_scale'] : ['logits'];
		this.#stepFetches = [...logits, ...Array.from({ length: shape.layers }, (_, i) => [`key.${i}`, `value.${i}`]).flat()];
		this.timesWords = decoder.outputNames.includes(crossAttentionName(0));
		const pastShape = decoder.inputMetadata?.find((input) => input.name === 'past_key.0');
		this.#block = pastShape?.isTensor && typeof pastShape.shape[2] === 'string' ? CACHE_BLOCK : shape.capacity;
	}

	/** The cross-attention keys/values of an encoded window, into buffers reused across windows. */
	async crossKv(hidden: Float32Array): Promise<CrossKv> {
		const { layers, heads, frames, headDim } = this.shape;
		const cross =
			this.#freeCross.pop() ??
			new CrossKv(
				Object.fromEntries(
					Array.from({ length: layers }, (_, layer) =>
						['key', 'value'].map((kind) => {
							const dims = [1, heads, frames, headDim];
							return [`cross_${kind}.${layer}`, { buffer: this.memory.allocate(elementsOf(dims)), dims }] as const;
						})
					).flat()
				)
			);
		const states = { data: hidden, dims: [1, frames, hidden.length / frames] };
		await this.memory.run(this.#crossKv, { encoder_hidden_states: states }, [], cross.feeds);
		return cross;
	}

	releaseCross(cross: CrossKv): void {
		if (this.#disposed) this.#freeBuffers(Object.values(cross.feeds));
		else this.#freeCross.push(cross);
	}

	/** An empty cache for `batch` rows (buffers come back from decodes that ended). */
	acquire(batch: number): FixedKvCache {
		// A cache disposed twice must not be handed to two decodes at once.
		const release = (done: FixedKvCache) => {
			if (this.#disposed) done.free();
			else if (!this.#freeCaches.includes(done)) this.#freeCaches.push(done);
		};
		const cache = this.#freeCaches.pop() ?? new FixedKvCache(this.shape, this.memory, batch, this.#block, release);
		cache.reset(batch);
		return cache;
	}

	/**
	 * Feeds `ids` (one row per cache row, all the same length) at the cache's offset and returns
	 * the logits at `logitPositions` of each row, [rows × positions × vocab]. The returned array
	 * may be reused by the next step (by one-token steps of a cache with this batch size; by any
	 * step where the vocabulary is projected outside the graph): read it before then.
	 */
	async step(
		cross: CrossKv,
		ids: readonly (readonly number[])[],
		cache: FixedKvCache,
		logitPositions: readonly number[]
	): Promise<Float32Array> {
		const { layers, heads, headDim, vocab } = this.shape;
		const batch = ids.length;
		const tokens = ids[0]!.length;
		if (batch !== cache.batch) throw new Error(`The decoder got ${batch} rows for a cache of ${cache.batch}.`);
		cache.reserve(cache.offset + tokens);
		const feeds = this.#feeds(cross, ids, cache, logitPositions);
		// One-token steps write into buffers kept with the cache; the prompt's run allocates once.
		const into = tokens === 1 && logitPositions.length === 1 ? this.#stepOutputs(cache, batch) : undefined;
		const results = await this.memory.run(this.#decoder, feeds, into ? [] : this.#stepFetches, into);
		const output = (name: string) => (into ? into[name]!.buffer.view().subarray(0, elementsOf(into[name]!.dims)) : results[name]!);
		for (let layer = 0; layer < layers; layer++) {
			for (const [kind, buffers] of [
				['key', cache.keys],
				['value', cache.values]
			] as const) {
				writeAt(buffers[layer]!.view(), output(`${kind}.${layer}`), cache.offset, tokens, batch * heads, cache.held, headDim);
			}
		}
		cache.offset += tokens;
		const logits = this.vocabulary ? this.vocabulary.project(output('projection_input'), output('projection_scale')[0]!) : output('logits');
		if (logits.length !== batch * logitPositions.length * vocab) throw new Error('The decoder returned logits of an unexpected size.');
		return logits;
	}

	#feeds(
		cross: CrossKv,
		ids: readonly (readonly number[])[],
		cache: FixedKvCache,
		logitPositions: readonly number[]
	): Record<string, Feed> {
		const { layers, heads, headDim } = this.shape;
		const batch = ids.length;
		const tokens = ids[0]!.length;
		const vocabulary = this.vocabulary;
		const feeds: Record<string, Feed> = {
			...cross.feeds,
			...(vocabulary
				? { input_embeds: { data: vocabulary.embed(ids.flat()), dims: [batch, tokens, vocabulary.width] } }
				: { input_ids: { data: BigInt64Array.from(ids.flat(), BigInt), dims: [batch, tokens] } }),
			offset: { data: BigInt64Array.of(BigInt(cache.offset)), dims: [1] },
			logit_positions: { data: BigInt64Array.from(logitPositions, BigInt), dims: [logitPositions.length] }
		};
		const dims = [batch, heads, cache.held, headDim];
		for (let layer = 0; layer < layers; layer++) {
			feeds[`past_key.${layer}`] = { buffer: cache.keys[layer]!, dims };
			feeds[`past_value.${layer}`] = { buffer: cache.values[layer]!, dims };
		}
		return feeds;
	}

	/**
	 * The softmaxed cross-attention weights of `tokens` (one row, from the first position) in one
	 * pass, for word timing: per layer asked for, [heads × tokens × frames].
	 */
	async crossAttentions(cross: CrossKv, tokens: readonly number[], layers: readonly number[]): Promise<Map<number, Float32Array>> {
		if (!this.timesWords) throw new Error('This fixed-capacity decoder has no cross-attention outputs (convert the model again).');
		// A cache from the pool, from position 0: the graph masks whatever its rows hold.
		const cache = this.acquire(1);
		try {
			cache.reserve(tokens.length);
			const feeds = this.#feeds(cross, [tokens], cache, [tokens.length - 1]);
			const results = await this.memory.run(this.#decoder, feeds, layers.map(crossAttentionName));
			return new Map(layers.map((layer) => [layer, results[crossAttentionName(layer)]!]));
		} finally {
			cache.dispose();
		}
	}

	#stepOutputs(cache: FixedKvCache, batch: number): Record<string, BufferFeed> {
		let outputs = cache.stepOutputs.get(batch);
		if (!outputs) {
			const { layers, heads, headDim, vocab } = this.shape;
			const output = (dims: number[]) => ({ buffer: this.memory.allocate(elementsOf(dims)), dims });
			outputs = this.vocabulary
				? { projection_input: output([batch, 1, this.vocabulary.width]), projection_scale: output([]) }
				: { logits: output([batch, 1, vocab]) };
			for (let layer = 0; layer < layers; layer++) {
				for (const kind of ['key', 'value']) outputs[`${kind}.${layer}`] = output([batch, heads, 1, headDim]);
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
		const { heads, headDim } = this.shape;
		const stride = cache.held * headDim;
		const filled = cache.offset * headDim;
		const moved = [...new Set(rows.filter((row, i) => row !== i))];
		if (moved.length > 0) {
			const slot = heads * filled;
			if (this.#scratch.length < moved.length * slot) this.#scratch = new Float32Array(moved.length * slot);
			const scratch = this.#scratch;
			for (const buffer of [...cache.keys, ...cache.values].map((b) => b.view())) {
				moved.forEach((row, s) => {
					for (let h = 0; h < heads; h++) {
						const from = (row * heads + h) * stride;
						scratch.set(buffer.subarray(from, from + filled), s * slot + h * filled);
					}
				});
				rows.forEach((row, i) => {
					if (row === i) return;
					const s = moved.indexOf(row);
					for (let h = 0; h < heads; h++) {
						buffer.set(scratch.subarray(s * slot + h * filled, s * slot + (h + 1) * filled), (i * heads + h) * stride);
					}
				});
			}
		}
		cache.batch = rows.length;
	}

	/**
	 * Gives every buffer back and ends the sessions. A cache or window still in use is freed when
	 * it is released.
	 */
	async dispose(): Promise<void> {
		if (this.#disposed) return;
		this.#disposed = true;
		for (const cache of this.#freeCaches.splice(0)) cache.free();
		for (const cross of this.#freeCross.splice(0)) this.#freeBuffers(Object.values(cross.feeds));
		await Promise.all([this.#crossKv.release(), this.#decoder.release()]);
	}

	#freeBuffers(feeds: readonly BufferFeed[]): void {
		for (const { buffer } of feeds) this.memory.free(buffer);
	}
}

/** Writes [rows, tokens, headDim] of new keys (or values) at `offset` of [rows, held, headDim]. */
function writeAt(
	cache: Float32Array,
	fresh: Float32Array,
	offset: number,
	tokens: number,
	rows: number,
	held: number,
	headDim: number
): void {
	const span = tokens * headDim;
	for (let r = 0; r < rows; r++) cache.set(fresh.subarray(r * span, (r + 1) * span), (r * held + offset) * headDim);
}
