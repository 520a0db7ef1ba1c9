/**
 * @file Loading a Whisper model for a device: transformers.js's pipeline objects, from the hub or
 * a local folder, in the precisions the registry picks for the device.
 */
import { pipeline, type AutomaticSpeechRecognitionPipeline, type ProgressInfo } from '@huggingface/transformers';
import { executionDevice, selectDtypes, type EngineDevice, type ModelEntry, type WhisperDtypes } from './models';
import { modelPath, type ModelSource } from './model-source';

export interface LoadedModel {
	model: ModelEntry;
	device: EngineDevice;
	pipe: AutomaticSpeechRecognitionPipeline;
}

export interface LoadOptions {
	model: ModelEntry;
	device: EngineDevice;
	source: ModelSource;
	/** Precision per graph; by default the device's choice from the registry. */
	dtypes?: WhisperDtypes;
	/** CPU threads per model call (onnxruntime's own default when absent: the physical cores). */
	threads?: number;
	onProgress?: (info: ProgressInfo) => void;
}

export async function loadModel({ model, device, source, dtypes, threads, onProgress }: LoadOptions): Promise<LoadedModel> {
	const pipe = (await pipeline('automatic-speech-recognition', modelPath(model, source), {
		device: executionDevice(device),
		dtype: dtypes ?? selectDtypes(device),
		...(threads ? { session_options: { intraOpNumThreads: threads } } : {}),
		progress_callback: onProgress
	})) as AutomaticSpeechRecognitionPipeline;
	return { model, device, pipe };
}
