/**
 * @file Loading a Whisper model for a device: transformers.js's pipeline objects, from the hub or
 * a local folder, in the precisions the registry picks for the device.
 */
import { pipeline, type AutomaticSpeechRecognitionPipeline, type ProgressInfo } from '@huggingface/transformers';
import { FixedCacheDecoder, type OrtClasses } from './decoding/fixed-cache';
import { decoderShape } from './decoding/runtime';
import {
	executionDevice,
	FIXED_CACHE_DTYPES,
	FIXED_CACHE_GRAPHS,
	onnxFile,
	selectDtypes,
	type EngineDevice,
	type ModelEntry,
	type WhisperDtypes
} from './models';
import { modelPath, type ModelSource } from './model-source';

export interface LoadedModel {
	model: ModelEntry;
	device: EngineDevice;
	pipe: AutomaticSpeechRecognitionPipeline;
	/** The decoder whose cache stays in place, when the model folder has it (CPU only, for now). */
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
	 * The onnxruntime package transformers.js runs on (onnxruntime-node): given, the fixed-capacity
	 * decoder is loaded where the model has one.
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
	return { model, device, pipe, ...(fixedCache ? { fixedCache } : {}) };
}

/**
 * The fixed-capacity decoder beside the merged one, in the decoder's precision, where it can
 * run: on the CPU in Node, from a local folder (our converted models have it; hub repositories
 * do not). Elsewhere, or when the files are absent, the merged decoder runs and nothing changes.
 * The merged decoder stays loaded: word timestamps read its cross-attention outputs.
 */
async function loadFixedCache(
	ort: OrtClasses,
	pipe: AutomaticSpeechRecognitionPipeline,
	model: ModelEntry,
	device: EngineDevice,
	source: ModelSource,
	dtype: WhisperDtypes['decoder_model_merged'],
	threads: number | undefined
): Promise<FixedCacheDecoder | undefined> {
	if (device !== 'cpu' || source.kind !== 'local' || !FIXED_CACHE_DTYPES.includes(dtype)) return undefined;
	const folder = `${source.root.replace(/\/$/, '')}/${model.localName}/`;
	const options = { executionProviders: ['cpu'], ...(threads ? { intraOpNumThreads: threads } : {}) };
	try {
		const [crossKv, decoder] = await Promise.all(
			[FIXED_CACHE_GRAPHS.crossKv, FIXED_CACHE_GRAPHS.decoder].map((graph) =>
				ort.InferenceSession.create(folder + onnxFile(graph, dtype), options)
			)
		);
		return new FixedCacheDecoder(ort, crossKv!, decoder!, decoderShape(pipe));
	} catch (error) {
		// A folder converted before these graphs existed: the merged decoder does the work.
		if (error instanceof Error && /doesn't exist|no such file|ENOENT/i.test(error.message)) return undefined;
		throw error;
	}
}
