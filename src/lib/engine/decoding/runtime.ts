/**
 * @file The one module that reaches into transformers.js internals (pinned at 4.3.2): runs the
 * Whisper encoder once per window and the merged decoder one step at a time with our own KV cache,
 * so the decoding loop above it is ours (log-probs, no-speech probability, beam search, cancel).
 * An upgrade of transformers.js should only need this file checked.
 */
import { cat, Tensor, type AutomaticSpeechRecognitionPipeline } from '@huggingface/transformers';
import { LogMelSpectrogram, type LogMelSettings } from '../features';
import { FixedKvCache, type CrossKv, type DecoderShape, type FixedCacheDecoder } from './fixed-cache';

/** What we use of WhisperForConditionalGeneration beyond its typed surface. */
export interface WhisperInternals {
	config: {
		decoder_layers: number;
		decoder_attention_heads: number;
		d_model: number;
		max_target_positions: number;
		max_source_positions: number;
		vocab_size: number;
		median_filter_width?: number;
	};
	generation_config: Record<string, unknown> | null;
	forward(inputs: Record<string, unknown>): Promise<Record<string, Tensor>>;
	// Internal (underscore) in 4.3.2: the only way to run the encoder session through the
	// library's own session runner (WebGPU run chaining, fp16 handling) without a decoder pass.
	_prepare_encoder_decoder_kwargs_for_generation(args: {
		inputs_tensor: Tensor;
		model_inputs: Record<string, unknown>;
		model_input_name: string;
		generation_config: { guidance_scale: null };
	}): Promise<{ encoder_outputs: Tensor }>;
}

/** A decode's keys/values: the merged decoder's tensors, or the fixed-capacity buffers. */
export type KvCache = MergedKvCache | FixedKvCache;

/** The merged decoder's self- and cross-attention keys/values, keyed by the session's input names. */
export class MergedKvCache {
	constructor(
		readonly batch: number,
		readonly tensors: Record<string, Tensor>
	) {}
	dispose(): void {
		for (const tensor of Object.values(this.tensors)) disposeIfGpu(tensor);
	}
}

/** One window's encoder output, with copies for batched (beam or best-of) decoding made on demand. */
export class EncodedWindow {
	readonly #batched = new Map<number, Tensor>();
	#cross: Promise<CrossKv> | undefined;
	constructor(
		readonly hidden: Tensor,
		readonly fixed?: FixedCacheDecoder
	) {
		this.#batched.set(1, hidden);
	}
	/** The fixed-capacity decoder's cross-attention keys/values, computed on first use. */
	cross(): Promise<CrossKv> {
		if (!this.fixed) throw new Error('This window was encoded for the merged decoder.');
		return (this.#cross ??= this.fixed.crossKv(toFloat32(this.hidden)));
	}
	forBatch(batch: number): Tensor {
		let tensor = this.#batched.get(batch);
		if (!tensor) {
			// One copy at a time: sampled rows leave the batch as they end (search.ts), so a decode
			// goes through several sizes, each used only until the next.
			this.#releaseBatched();
			tensor = cat(
				Array.from({ length: batch }, () => this.hidden),
				0
			);
			this.#batched.set(batch, tensor);
		}
		return tensor;
	}
	#releaseBatched(): void {
		for (const tensor of this.#batched.values()) disposeIfGpu(tensor);
		this.#batched.clear();
	}
	dispose(): void {
		this.#releaseBatched();
		const cross = this.#cross;
		this.#cross = undefined;
		if (cross && this.fixed)
			void cross.then(
				(kv) => this.fixed!.releaseCross(kv),
				() => {}
			);
	}
}

export interface StepOutput {
	/** Rows in the batch and positions per row that `logitsAt` can read. */
	batch: number;
	positions: number;
	/** Float32 logits over the vocabulary for one row and position (a view: rules may edit it). */
	logitsAt(row: number, position: number): Float32Array;
	cache: KvCache;
}

const isGpu = (tensor: Tensor) => tensor.location === 'gpu-buffer';

function disposeIfGpu(tensor: Tensor): void {
	if (isGpu(tensor)) tensor.dispose();
}

function toFloat32(tensor: Tensor): Float32Array {
	const data = tensor.type === 'float32' ? tensor.data : tensor.to('float32').data;
	return data as Float32Array;
}

/** What the model's feature extractor (preprocessor_config.json) says about its features. */
interface WhisperFeatureExtractorInternals {
	config: { n_fft: number; hop_length: number; n_samples: number; nb_max_frames: number; mel_filters: number[][] };
	window: Float64Array;
}

/**
 * The model's own feature settings, read from transformers.js's extractor so that the mel filters
 * and window are exactly the ones it would use (80 mel bins, or 128 for large-v3).
 */
function melSettings(pipe: AutomaticSpeechRecognitionPipeline): LogMelSettings {
	const extractor = (pipe.processor as unknown as { feature_extractor: WhisperFeatureExtractorInternals }).feature_extractor;
	const { n_fft, hop_length, n_samples, nb_max_frames, mel_filters } = extractor.config;
	return {
		frameLength: n_fft,
		hopLength: hop_length,
		windowSamples: n_samples,
		maxFrames: nb_max_frames,
		window: extractor.window,
		melFilters: mel_filters
	};
}

/** The dimensions the fixed-capacity decoder's buffers take, from the model's config.json. */
export function decoderShape(config: WhisperInternals['config']): DecoderShape {
	const heads = config.decoder_attention_heads;
	return {
		layers: config.decoder_layers,
		heads,
		headDim: config.d_model / heads,
		capacity: config.max_target_positions,
		frames: config.max_source_positions,
		vocab: config.vocab_size
	};
}

/** Whisper's model, processor and tokenizer from a loaded ASR pipeline, behind our own calls. */
export class WhisperRuntime {
	readonly #model: WhisperInternals;
	readonly #pipe: AutomaticSpeechRecognitionPipeline;
	/** The fixed-capacity decoder when the model folder has one (else the merged decoder runs). */
	readonly #fixed: FixedCacheDecoder | undefined;
	#melSpectrogram: LogMelSpectrogram | undefined;

	constructor(pipe: AutomaticSpeechRecognitionPipeline, fixed?: FixedCacheDecoder) {
		this.#pipe = pipe;
		this.#model = pipe.model as unknown as WhisperInternals;
		this.#fixed = fixed;
	}

	get generationConfig(): Record<string, unknown> {
		return this.#model.generation_config ?? {};
	}

	get decoderLayers(): number {
		return this.#model.config.decoder_layers;
	}

	get medianFilterWidth(): number {
		return this.#model.config.median_filter_width ?? 7;
	}

	get tokenizer() {
		return this.#pipe.tokenizer;
	}

	/** Log-mel features of exactly 30 s of 16 kHz samples (shorter input is zero-padded). */
	async features(samples: Float32Array): Promise<Tensor> {
		const mel = (this.#melSpectrogram ??= new LogMelSpectrogram(melSettings(this.#pipe)));
		return new Tensor('float32', mel.compute(samples), [1, mel.mels, mel.frames]);
	}

	async encode(features: Tensor): Promise<EncodedWindow> {
		const { encoder_outputs } = await this.#model._prepare_encoder_decoder_kwargs_for_generation({
			inputs_tensor: features,
			model_inputs: { input_features: features },
			model_input_name: 'input_features',
			generation_config: { guidance_scale: null }
		});
		return new EncodedWindow(encoder_outputs, this.#fixed);
	}

	/**
	 * One decoder pass. Without a cache, `ids` is the whole prompt; with one, each row holds the one
	 * new token. `logitPositions` are the positions whose logits will be read (all when absent;
	 * the merged decoder always returns all). The cache that comes back replaces the one passed in.
	 */
	async step(window: EncodedWindow, ids: number[][], cache: KvCache | null, logitPositions?: readonly number[]): Promise<StepOutput> {
		if (this.#fixed) return this.#fixedStep(this.#fixed, window, ids, cache, logitPositions);
		const batch = ids.length;
		const positions = ids[0]!.length;
		const inputIds = new Tensor(
			'int64',
			BigInt64Array.from(ids.flat(), (id) => BigInt(id)),
			[batch, positions]
		);
		const outputs = await this.#model.forward({
			encoder_outputs: window.forBatch(batch),
			decoder_input_ids: inputIds,
			past_key_values: cache ? (cache as MergedKvCache).tensors : null
		});
		const next: Record<string, Tensor> = {};
		for (const [name, tensor] of Object.entries(outputs)) {
			if (!name.startsWith('present')) {
				if (name.startsWith('cross_attentions')) disposeIfGpu(tensor);
				continue;
			}
			const pastName = name.replace('present', 'past_key_values');
			const previous = (cache as MergedKvCache | null)?.tensors[pastName];
			if (previous && name.includes('encoder')) {
				// The merged decoder's cached branch returns placeholders for the cross-attention cache.
				if (tensor !== previous) disposeIfGpu(tensor);
				next[pastName] = previous;
			} else {
				if (previous && previous !== tensor) disposeIfGpu(previous);
				next[pastName] = tensor;
			}
		}
		const logits = toFloat32(outputs.logits!);
		const vocab = outputs.logits!.dims.at(-1)!;
		return {
			batch,
			positions,
			logitsAt: (row, position) => logits.subarray((row * positions + position) * vocab, (row * positions + position + 1) * vocab),
			cache: new MergedKvCache(batch, next)
		};
	}

	async #fixedStep(
		fixed: FixedCacheDecoder,
		window: EncodedWindow,
		ids: number[][],
		cache: KvCache | null,
		logitPositions: readonly number[] = ids[0]!.map((_, i) => i)
	): Promise<StepOutput> {
		const batch = ids.length;
		const kv = (cache as FixedKvCache | null) ?? fixed.acquire(batch);
		const logits = await fixed.step(await window.cross(), ids, kv, logitPositions);
		const { vocab } = fixed.shape;
		const count = logitPositions.length;
		return {
			batch,
			positions: ids[0]!.length,
			logitsAt: (row, position) => {
				const at = logitPositions.indexOf(position);
				if (at < 0) throw new RangeError(`Logits at position ${position} were not asked for.`);
				return logits.subarray((row * count + at) * vocab, (row * count + at + 1) * vocab);
			},
			cache: kv
		};
	}

	/**
	 * A cache whose row i is row `rows[i]` of `cache`: beams that survive a step (or the copies of
	 * one prompt row that start a beam search). On WebGPU the rows are read back to the CPU.
	 */
	async selectRows(cache: KvCache, rows: number[]): Promise<KvCache> {
		if (cache instanceof FixedKvCache) {
			this.#fixed!.selectRows(cache, rows);
			return cache;
		}
		const sameBatch = rows.length === cache.batch;
		// Beams that kept their places (most steps, once the search settles) need no copy at all.
		if (sameBatch && rows.every((row, i) => row === i)) return cache;
		const tensors: Record<string, Tensor> = {};
		for (const [name, tensor] of Object.entries(cache.tensors)) {
			// Every row attends to the same audio, so the cross-attention cache only needs copying
			// when the batch changes size (one prompt row becoming `beamSize` beams).
			if (name.includes('.encoder.') && sameBatch) {
				tensors[name] = tensor;
				continue;
			}
			if (sameBatch && !isGpu(tensor)) {
				// The decoder's cache came back from the last step in buffers of our own: move only
				// the rows that changed, in place, instead of allocating and copying the whole cache.
				permuteRowsInPlace(tensor.data as Float32Array, cache.batch, rows);
				tensors[name] = tensor;
				continue;
			}
			const data = (isGpu(tensor) ? await tensor.ort_tensor.getData() : tensor.data) as Float32Array;
			const rowSize = data.length / cache.batch;
			const out = new (data.constructor as Float32ArrayConstructor)(rowSize * rows.length);
			rows.forEach((row, i) => out.set(data.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize));
			tensors[name] = new Tensor(tensor.type, out, [rows.length, ...tensor.dims.slice(1)]);
		}
		for (const [name, tensor] of Object.entries(cache.tensors)) if (tensors[name] !== tensor) disposeIfGpu(tensor);
		return new MergedKvCache(rows.length, tensors);
	}

	/**
	 * Cross-attention weights of the whole token sequence in one uncached pass (for word timing):
	 * `at(layer, head)` is a [tokens × frames] matrix, already softmaxed by the model. `layers` are
	 * the ones that will be read (the fixed-capacity decoder returns only those).
	 */
	async crossAttentions(window: EncodedWindow, tokens: number[], layers: readonly number[]): Promise<CrossAttentions> {
		if (this.#fixed?.timesWords) {
			const byLayer = await this.#fixed.crossAttentions(await window.cross(), tokens, [...new Set(layers)]);
			const { heads, frames } = this.#fixed.shape;
			return new CrossAttentions(frames, heads, tokens.length, (layer) => byLayer.get(layer));
		}
		const inputIds = new Tensor(
			'int64',
			BigInt64Array.from(tokens, (id) => BigInt(id)),
			[1, tokens.length]
		);
		const outputs = await this.#model.forward({ encoder_outputs: window.hidden, decoder_input_ids: inputIds, past_key_values: null });
		const found: Tensor[] = [];
		for (let layer = 0; ; layer++) {
			const tensor = outputs[`cross_attentions.${layer}`];
			if (!tensor) break;
			found.push(tensor);
		}
		if (found.length === 0) {
			throw new Error('This Whisper export has no cross-attention outputs, so word timestamps are not available.');
		}
		const [, heads, , frames] = found[0]!.dims as [number, number, number, number];
		const data = found.map(toFloat32);
		for (const [name, tensor] of Object.entries(outputs)) if (!name.startsWith('cross')) disposeIfGpu(tensor);
		return new CrossAttentions(frames, heads, tokens.length, (layer) => data[layer]);
	}
}

/** One pass's cross-attention weights, per layer [heads × tokens × frames]. */
export class CrossAttentions {
	constructor(
		readonly frames: number,
		readonly heads: number,
		readonly tokens: number,
		readonly layer: (layer: number) => Float32Array | undefined
	) {}

	/** Head `head` of layer `layer`: [tokens × frames]. */
	at(layer: number, head: number): Float32Array {
		const data = this.layer(layer);
		if (!data || head >= this.heads) throw new RangeError(`No cross-attention head ${layer}.${head} in this model.`);
		const size = this.tokens * this.frames;
		return data.subarray(head * size, (head + 1) * size);
	}
}

/** Row i of `data` (batch rows of equal size) becomes old row rows[i]. */
export function permuteRowsInPlace(data: Float32Array | Uint16Array, batch: number, rows: readonly number[]): void {
	const rowSize = data.length / batch;
	// Keep a copy of each row that is read for another place before any row is overwritten.
	const sources = new Map<number, Float32Array | Uint16Array>();
	rows.forEach((row, i) => {
		if (row !== i && !sources.has(row)) sources.set(row, data.slice(row * rowSize, (row + 1) * rowSize));
	});
	rows.forEach((row, i) => {
		if (row !== i) data.set(sources.get(row)!, i * rowSize);
	});
}

export function disposeCache(cache: KvCache | null): void {
	cache?.dispose();
}
