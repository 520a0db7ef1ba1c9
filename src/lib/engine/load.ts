/**
 * @file Loading a Whisper model for a device: transformers.js's pipeline objects, from the hub or
 * a local folder, in the precisions the registry picks for the device.
 */
import { env, pipeline, type AutomaticSpeechRecognitionPipeline, type ProgressInfo } from '@huggingface/transformers';
import { FixedCacheDecoder, type OrtClasses } from './decoding/fixed-cache';
import { decoderShape } from './decoding/runtime';
import {
	executionDevice,
	fixedCacheFiles,
	selectDtypes,
	type Dtype,
	type EngineDevice,
	type ModelEntry,
	type WhisperDtypes
} from './models';
import { modelPath, type ModelSource } from './model-source';

export interface LoadedModel {
	model: ModelEntry;
	device: EngineDevice;
	pipe: AutomaticSpeechRecognitionPipeline;
	/** The decoder whose cache stays in place, when the model folder has it (on the CPU and on WASM). */
	fixedCache?: FixedCacheDecoder;
}

export interface LoadOptions {
	model: ModelEntry;
	device: EngineDevice;
	source: ModelSource;
	/** Precision per graph; by default the device's choice from the registry. */
	dtypes?: WhisperDtypes;
	/** CPU threads per model call (onnxruntime's own default when absent: the physical cores). */
	threads?: number;
	/**
	 * The onnxruntime package transformers.js runs on (onnxruntime-node on the server,
	 * onnxruntime-web in the page's worker): given, the fixed-capacity decoder is loaded where the
	 * model has one.
	 */
	ort?: OrtClasses;
	onProgress?: (info: ProgressInfo) => void;
}

export async function loadModel({ model, device, source, dtypes, threads, ort, onProgress }: LoadOptions): Promise<LoadedModel> {
	const chosen = dtypes ?? selectDtypes(device);
	const pipe = (await pipeline('automatic-speech-recognition', modelPath(model, source), {
		device: executionDevice(device),
		dtype: chosen,
		...(threads ? { session_options: { intraOpNumThreads: threads } } : {}),
		progress_callback: onProgress
	})) as AutomaticSpeechRecognitionPipeline;
	const fixedCache = ort && (await loadFixedCache(ort, pipe, model, device, source, chosen.decoder_model_merged, threads));
	if (fixedCache?.timesWords) await releaseMergedDecoder(pipe);
	return { model, device, pipe, ...(fixedCache ? { fixedCache } : {}) };
}

/**
 * The fixed-capacity decoder decodes and times words, so the merged decoder transformers.js
 * loaded is never run: its session goes, with the memory it holds (in the page, a tiny.en q8
 * decoder's weights and buffers in onnxruntime-web's heap, which later runs then reuse).
 */
async function releaseMergedDecoder(pipe: AutomaticSpeechRecognitionPipeline): Promise<void> {
	const sessions = (pipe.model as unknown as { sessions: Record<string, { release?: () => Promise<void> }> }).sessions;
	const merged = sessions.decoder_model_merged;
	// Removed from the model first, so that disposing the pipeline does not release it twice.
	delete sessions.decoder_model_merged;
	await merged?.release?.();
}

/**
 * The fixed-capacity decoder beside the merged one, in the decoder's precision, where it can
 * run: on the CPU in Node and on WASM in the browser, from a local folder or our server's
 * /models/ (the models we convert have it; hub repositories do not). Elsewhere, or when the files
 * are absent, the merged decoder runs and nothing changes. A graph converted before it returned
 * cross-attention weights keeps the merged decoder loaded for word timing.
 */
async function loadFixedCache(
	ort: OrtClasses,
	pipe: AutomaticSpeechRecognitionPipeline,
	model: ModelEntry,
	device: EngineDevice,
	source: ModelSource,
	dtype: Dtype,
	threads: number | undefined
): Promise<FixedCacheDecoder | undefined> {
	const files = fixedCacheFiles(device, dtype);
	if (files.length === 0 || source.kind !== 'local') return undefined;
	const folder = `${source.root.replace(/\/$/, '')}/${model.localName}/`;
	const provider = executionDevice(device);
	const options = { executionProviders: [provider], ...(threads ? { intraOpNumThreads: threads } : {}) };
	try {
		// One graph at a time: the browser holds a file's bytes only while its session is made.
		const sessions = [];
		for (const file of files) {
			const bytesOrPath = await graphSource(folder + file);
			if (bytesOrPath === null) return undefined;
			sessions.push(
				await (typeof bytesOrPath === 'string'
					? ort.InferenceSession.create(bytesOrPath, options)
					: ort.InferenceSession.create(bytesOrPath, options))
			);
		}
		const [crossKv, decoder] = sessions;
		return new FixedCacheDecoder(ort, crossKv!, decoder!, decoderShape(pipe), provider === 'cpu');
	} catch (error) {
		// A folder converted before these graphs existed: the merged decoder does the work.
		if (error instanceof Error && /doesn't exist|no such file|ENOENT/i.test(error.message)) return undefined;
		throw error;
	}
}

/**
 * What onnxruntime opens for one graph: in Node its path (onnxruntime-node reads the file); in the
 * browser its bytes, kept in transformers.js's own Cache API store beside the model's other files
 * so that a second visit reads them offline. null: the server has no such file.
 */
async function graphSource(url: string): Promise<string | Uint8Array | null> {
	if (typeof caches === 'undefined' || !env.useBrowserCache) return url;
	const cache = await caches.open(env.cacheKey).catch(() => undefined);
	const cached = await cache?.match(url);
	if (cached) return new Uint8Array(await cached.arrayBuffer());
	// Offline with a model cached before these graphs existed: the merged decoder does the work.
	const response = await fetch(url).catch(() => undefined);
	if (!response || response.status === 404) return null;
	if (!response.ok) throw new Error(`Could not download ${url} (HTTP ${response.status}).`);
	// Storage full: the graph still runs for this visit (the page says the model was not kept).
	await cache?.put(url, response.clone()).catch(() => undefined);
	return new Uint8Array(await response.arrayBuffer());
}
