/**
 * @file Loading a Whisper model for a device: transformers.js's pipeline objects, from the hub or
 * a local folder, in the precisions the registry picks for the device.
 */
import {
	AutoConfig,
	AutomaticSpeechRecognitionPipeline,
	AutoProcessor,
	AutoTokenizer,
	pipeline,
	PreTrainedModel,
	WhisperForConditionalGeneration,
	type PretrainedConfig,
	type ProgressInfo
} from '@huggingface/transformers';
import { FixedCacheDecoder, type OrtClasses } from './decoding/fixed-cache';
import { jsMemory, type DecoderMemory } from './decoding/decoder-memory';
import { readVocabularyTable, VOCABULARY_FILE, type Vocabulary, type VocabularyKernel } from './decoding/vocabulary';
import type { InferenceSession } from 'onnxruntime-common';
import { decoderShape, type WhisperInternals } from './decoding/runtime';
import {
	canSplitVocabulary,
	executionDevice,
	fixedCacheFiles,
	onnxFile,
	selectDtypes,
	type Dtype,
	type EngineDevice,
	type ModelEntry,
	type WhisperDtypes
} from './models';
import { localJson, openBytes, openGraph, storeInCache, type OnProgress } from './local-files';
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
	/**
	 * Where the fixed-capacity decoder keeps its buffers, asked once its sessions exist (which
	 * starts onnxruntime-web's runtime); by default, or given undefined, JavaScript's heap.
	 */
	decoderMemory?: (sessions: readonly InferenceSession[]) => DecoderMemory | undefined;
	/**
	 * Projects the vocabulary outside the fixed-capacity decoder's graph (decoding/vocabulary.ts),
	 * where its precision has a graph without it and the model folder has the table (the page's
	 * worker gives it; the server keeps the whole graph, whose native int8 kernels are faster).
	 */
	vocabularyKernel?: VocabularyKernel;
	onProgress?: (info: ProgressInfo) => void;
}

export async function loadModel(options: LoadOptions): Promise<LoadedModel> {
	const { model, device, source, dtypes, threads, ort, onProgress } = options;
	const chosen = dtypes ?? selectDtypes(device);
	const path = modelPath(model, source);
	const sessionOptions = threads ? { session_options: { intraOpNumThreads: threads } } : {};
	const load = { device: executionDevice(device), dtype: chosen, ...sessionOptions, progress_callback: onProgress };
	const fixedCache = ort && (await loadFixedCache(ort, path, options, chosen.decoder_model_merged));
	if (fixedCache?.timesWords && source.kind === 'local') {
		const pipe = await encoderPipeline(path, folderOf(source, model), load);
		if (pipe) return { model, device, pipe, fixedCache };
	}
	const pipe = (await pipeline('automatic-speech-recognition', path, load)) as AutomaticSpeechRecognitionPipeline;
	// A graph converted before the fixed-capacity decoder returned cross-attention weights keeps
	// the merged decoder loaded for word timing.
	return { model, device, pipe, ...(fixedCache ? { fixedCache } : {}) };
}

type PipelineLoad = Parameters<typeof pipeline>[2] & { dtype: WhisperDtypes };

/**
 * The ASR pipeline without the merged decoder, for when the fixed-capacity one decodes and times
 * words: transformers.js's pipeline() would load both decoders, and in the page the merged one's
 * weights and load buffers stay in onnxruntime-web's heap for good (about 115 MB for tiny.en q8;
 * bench/RESULTS-browser.md). The encoder still loads through transformers.js (its file cache,
 * device and precision choice), as a model of no known type whose one session is encoder_model;
 * the Whisper model object around it holds no decoder session. null: the folder has no
 * generation_config.json.
 */
async function encoderPipeline(path: string, folder: string, load: PipelineLoad): Promise<AutomaticSpeechRecognitionPipeline | null> {
	const generationConfig = await localJson({ folder, file: 'generation_config.json' });
	if (!generationConfig) return null;
	const { progress_callback } = load;
	const config = await AutoConfig.from_pretrained(path, { progress_callback });
	// The encoder is downloaded here in the browser, with progress, and transformers.js reads it
	// from the cache. Given a progress callback, transformers.js would first ask for the size of
	// every graph Whisper's architecture lists, the merged decoder among them (a GET in the
	// browser; in Node it opens each file and reads it whole into memory). In Node it reports a
	// local file only once read anyway, so there it gets none.
	const stored = await storeInCache({ folder, file: onnxFile('encoder_model', load.dtype.encoder_model) }, progress_callback);
	// model_type 'custom' is transformers.js's own name for a model of no known architecture: it
	// loads the one named session and does not warn about the type.
	const encoder = await PreTrainedModel.from_pretrained(path, {
		...load,
		...encoderSessionOptions(load),
		progress_callback: stored === 'not-kept' ? progress_callback : undefined,
		config: { ...config, model_type: 'custom' } as unknown as PretrainedConfig,
		model_file_name: 'encoder_model'
	});
	const [tokenizer, processor] = await Promise.all([
		AutoTokenizer.from_pretrained(path, { progress_callback }),
		AutoProcessor.from_pretrained(path, { progress_callback })
	]);
	const Whisper = WhisperForConditionalGeneration as unknown as new (
		config: PretrainedConfig,
		sessions: Record<string, unknown>,
		configs: Record<string, unknown>
	) => WhisperForConditionalGeneration;
	const whisper = new Whisper(config, (encoder as unknown as { sessions: Record<string, unknown> }).sessions, {
		generation_config: generationConfig
	});
	return new AutomaticSpeechRecognitionPipeline({ task: 'automatic-speech-recognition', model: whisper, tokenizer, processor });
}

/**
 * The encoder's session on the native CPU without onnxruntime's memory arena. The arena keeps
 * the largest activations a session ever had for its whole life: for the encoder, each layer's
 * attention scores (heads x 1500 x 1500 floats, 72 MB for base), about 65 MB (tiny.en) and 90 MB
 * (base) of the server's resident memory between windows. Without it those blocks go back to the
 * system after each window, at no measurable cost in time: an encoder run makes a few large
 * allocations, where a decoder step makes many small ones (the decoders keep the arena). Models
 * without the fixed-capacity decoder (the hub's) load through pipeline(), whose sessions share one
 * set of options, and keep it too.
 */
function encoderSessionOptions(load: PipelineLoad): Pick<PipelineLoad, 'session_options'> {
	if (load.device !== 'cpu') return {};
	return { session_options: { ...load.session_options, enableCpuMemArena: false } };
}

/** Where a local model's files are: a folder path in Node, a URL prefix in the browser. */
function folderOf(source: { root: string }, model: ModelEntry): string {
	return `${source.root.replace(/\/$/, '')}/${model.localName}/`;
}

/**
 * The fixed-capacity decoder, in the decoder's precision, where it can run: on the CPU in Node
 * and on WASM in the browser, from a local folder or our server's /models/ (the models we convert
 * have it; hub repositories do not). Elsewhere, or when the files are absent, the merged decoder
 * runs and nothing changes.
 */
async function loadFixedCache(
	ort: OrtClasses,
	path: string,
	{ model, device, source, threads, decoderMemory, vocabularyKernel, onProgress }: LoadOptions,
	dtype: Dtype
): Promise<FixedCacheDecoder | undefined> {
	if (fixedCacheFiles(device, dtype).length === 0 || source.kind !== 'local') return undefined;
	const folder = folderOf(source, model);
	const provider = executionDevice(device);
	const options = { executionProviders: [provider], ...(threads ? { intraOpNumThreads: threads } : {}) };
	try {
		const vocabulary =
			vocabularyKernel && canSplitVocabulary(dtype) ? await openVocabulary(folder, vocabularyKernel, onProgress) : undefined;
		// One graph at a time: the browser holds a file's bytes only while its session is made.
		const sessions = [];
		for (const file of fixedCacheFiles(device, dtype, vocabulary !== undefined)) {
			const bytesOrPath = await openGraph({ folder, file }, onProgress);
			if (bytesOrPath === null) return undefined;
			sessions.push(
				await (typeof bytesOrPath === 'string'
					? ort.InferenceSession.create(bytesOrPath, options)
					: ort.InferenceSession.create(bytesOrPath, options))
			);
		}
		const [crossKv, decoder] = sessions;
		const config = await AutoConfig.from_pretrained(path);
		const memory = decoderMemory?.(sessions) ?? jsMemory(ort, provider === 'cpu');
		return new FixedCacheDecoder(memory, crossKv!, decoder!, decoderShape(config as unknown as WhisperInternals['config']), vocabulary);
	} catch (error) {
		// A folder converted before these graphs existed: the merged decoder does the work.
		if (error instanceof Error && /doesn't exist|no such file|ENOENT/i.test(error.message)) return undefined;
		throw error;
	}
}

/**
 * The vocabulary's projection from the model folder's table; undefined where the folder has none
 * (converted before it) or the kernel cannot run here: the decoder with the vocabulary runs then.
 */
async function openVocabulary(folder: string, kernel: VocabularyKernel, onProgress?: OnProgress): Promise<Vocabulary | undefined> {
	const bytes = await openBytes({ folder, file: VOCABULARY_FILE }, onProgress);
	return bytes ? kernel(readVocabularyTable(bytes)) : undefined;
}
