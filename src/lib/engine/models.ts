/**
 * @file The Whisper model registry, as data. The UI and the server read this table and never
 * branch on a model's name; `selectDtypes` is the one place that maps a device to precisions.
 */

import { VOCABULARY_FILE } from './decoding/vocabulary';

/** Where a model runs. `webgpu-f16` is WebGPU on an adapter with the `shader-f16` feature. */
export type EngineDevice = 'webgpu-f16' | 'webgpu' | 'wasm' | 'cpu' | 'cuda';

/** The precisions we build or fetch; each is a file suffix in the transformers.js layout. */
export const DTYPES = ['fp32', 'fp16', 'q8', 'q4'] as const;
export type Dtype = (typeof DTYPES)[number];

/** Per-file precision, keyed by the two ONNX graphs transformers.js opens for Whisper. */
export type WhisperDtypes = {
	encoder_model: Dtype;
	decoder_model_merged: Dtype;
};

export interface ModelEntry {
	id: string;
	/** Repository on the Hugging Face hub, in the onnx-community layout. */
	hubRepo: string;
	/** Folder name under the local model directory (what `npm run models:prepare` builds). */
	localName: string;
	/** Multilingual models detect languages and translate; `.en` models do neither. */
	multilingual: boolean;
	/** Too large for a browser tab: runs on the server only. */
	serverOnly: boolean;
	/** Usable in a tab only on a WebGPU adapter with 16-bit float shaders (too slow or large otherwise). */
	needsShaderF16: boolean;
	/** Below this much device memory (GB, navigator.deviceMemory) a browser hands it to the server; null: any. */
	minDeviceMemoryGb: number | null;
}

type Traits = Partial<Pick<ModelEntry, 'serverOnly' | 'needsShaderF16' | 'minDeviceMemoryGb'>>;

const entry = (id: string, multilingual: boolean, traits: Traits = {}): ModelEntry => ({
	id,
	hubRepo: `onnx-community/whisper-${id}`,
	localName: `whisper-${id}`,
	multilingual,
	serverOnly: false,
	needsShaderF16: false,
	minDeviceMemoryGb: null,
	...traits
});

/** From small up a model wants a few GB of memory in the tab. */
const HEAVY: Traits = { minDeviceMemoryGb: 4 };

export const MODELS = Object.freeze({
	tiny: entry('tiny', true),
	'tiny.en': entry('tiny.en', false),
	base: entry('base', true),
	'base.en': entry('base.en', false),
	small: entry('small', true, HEAVY),
	'small.en': entry('small.en', false, HEAVY),
	'large-v3-turbo': entry('large-v3-turbo', true, { ...HEAVY, needsShaderF16: true }),
	'large-v3': entry('large-v3', true, { serverOnly: true })
} satisfies Record<string, ModelEntry>);

export type ModelId = keyof typeof MODELS;

export function getModel(id: string): ModelEntry {
	if (!Object.hasOwn(MODELS, id)) {
		throw new RangeError(`Unknown model "${id}". Use one of: ${Object.keys(MODELS).join(', ')}.`);
	}
	return MODELS[id as ModelId];
}

/**
 * Precision per device. The Whisper encoder is quantization-sensitive, so GPUs keep it in
 * floating point; q4 decoders are what the official WebGPU demos run (q8 decoders have
 * produced gibberish on WebGPU: transformers.js #1317). WASM runs q8, transformers.js's default.
 */
const DTYPES_BY_DEVICE: Readonly<Record<EngineDevice, WhisperDtypes>> = Object.freeze({
	'webgpu-f16': { encoder_model: 'fp16', decoder_model_merged: 'q4' },
	webgpu: { encoder_model: 'fp32', decoder_model_merged: 'q4' },
	wasm: { encoder_model: 'q8', decoder_model_merged: 'q8' },
	cpu: { encoder_model: 'q8', decoder_model_merged: 'q8' },
	cuda: { encoder_model: 'fp16', decoder_model_merged: 'fp16' }
});

export function selectDtypes(device: EngineDevice): WhisperDtypes {
	return { ...DTYPES_BY_DEVICE[device] };
}

/** The execution provider transformers.js expects for one of our devices. */
export function executionDevice(device: EngineDevice): 'webgpu' | 'wasm' | 'cpu' | 'cuda' {
	return device === 'webgpu-f16' ? 'webgpu' : device;
}

/**
 * What "auto" picks, best first, per device: the largest model that runs comfortably there.
 * Multilingual models come first so that auto-detection of the language works.
 */
const AUTO_PREFERENCE: Readonly<Record<EngineDevice, readonly ModelId[]>> = Object.freeze({
	'webgpu-f16': ['large-v3-turbo', 'small', 'base', 'tiny', 'base.en', 'tiny.en'],
	webgpu: ['small', 'base', 'tiny', 'base.en', 'tiny.en'],
	wasm: ['base', 'tiny', 'base.en', 'tiny.en'],
	cpu: ['base', 'tiny', 'base.en', 'tiny.en'],
	cuda: ['large-v3', 'large-v3-turbo', 'small', 'base']
});

/** The model "auto" means on this device, among those that can be had (null: none can). */
export function autoModel(device: EngineDevice, available: readonly string[]): ModelId | null {
	return AUTO_PREFERENCE[device].find((id) => available.includes(id)) ?? null;
}

/** Models a browser may run (the server-only ones excluded). */
export function browserModels(): ModelEntry[] {
	return Object.values(MODELS).filter((model) => !model.serverOnly);
}

/** File-name suffix of each precision in the transformers.js layout (onnx/<graph><suffix>.onnx). */
const DTYPE_FILE_SUFFIX: Readonly<Record<Dtype, string>> = Object.freeze({
	fp32: '',
	fp16: '_fp16',
	q8: '_quantized',
	q4: '_q4'
});

/** One graph's file in a given precision, relative to the model's folder or repo. */
export function onnxFile(graph: string, dtype: Dtype): string {
	return `onnx/${graph}${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
}

/** The ONNX files a device downloads for a model, relative to the model's folder or repo. */
export function onnxFiles(device: EngineDevice): string[] {
	return Object.entries(selectDtypes(device)).map(([graph, dtype]) => onnxFile(graph, dtype as Dtype));
}

/**
 * The fixed-capacity decoder's two graphs (scripts/models/fixed_cache.py), built for our local
 * models in these precisions. Hub repositories do not have them: the merged decoder runs there.
 */
const FIXED_CACHE_GRAPHS = ['cross_kv_model', 'decoder_fixed_cache_model'] as const;
const FIXED_CACHE_DTYPES: readonly Dtype[] = ['fp32', 'q8'];
/** Devices whose decoder cache lives in CPU memory (on WebGPU it would have to stay on the GPU: not yet). */
const FIXED_CACHE_DEVICES: readonly EngineDevice[] = ['cpu', 'wasm'];

/**
 * The fixed-capacity decoder without its vocabulary (scripts/models/vocabulary.py), built in these
 * precisions: the page's worker projects the vocabulary itself (decoding/vocabulary.ts), from the
 * table that comes as a file of its own. The server keeps the whole graph.
 */
const SPLIT_VOCABULARY_GRAPH = 'decoder_fixed_cache_hidden_model';
const SPLIT_VOCABULARY_DTYPES: readonly Dtype[] = ['q8'];

/**
 * The model files the page downloads: from our server, where the fixed-capacity decoder decodes
 * and times words, the encoder, its two graphs (not the merged decoder) and, where the page
 * projects the vocabulary itself, the table; from the hub, the encoder and the merged decoder.
 */
export function downloadedOnnxFiles(device: EngineDevice, fromOurServer: boolean): string[] {
	const splitsVocabulary = canSplitVocabulary(selectDtypes(device).decoder_model_merged);
	const fixed = fromOurServer ? fixedCacheFiles(device, undefined, splitsVocabulary) : [];
	if (fixed.length === 0) return onnxFiles(device);
	return [onnxFile('encoder_model', selectDtypes(device).encoder_model), ...fixed, ...(splitsVocabulary ? [VOCABULARY_FILE] : [])];
}

/**
 * The fixed-capacity decoder's two files (cross-attention keys/values first) a device opens, if
 * any; with `splitVocabulary`, the decoder without the vocabulary.
 */
export function fixedCacheFiles(
	device: EngineDevice,
	dtype: Dtype = selectDtypes(device).decoder_model_merged,
	splitVocabulary = false
): string[] {
	if (!FIXED_CACHE_DEVICES.includes(device) || !FIXED_CACHE_DTYPES.includes(dtype)) return [];
	const [crossKv, decoder] = FIXED_CACHE_GRAPHS;
	return [onnxFile(crossKv, dtype), onnxFile(splitVocabulary ? SPLIT_VOCABULARY_GRAPH : decoder, dtype)];
}

/** Whether the fixed-capacity decoder in this precision has a graph without its vocabulary. */
export function canSplitVocabulary(dtype: Dtype): boolean {
	return SPLIT_VOCABULARY_DTYPES.includes(dtype);
}
