/**
 * @file The server's voice detector: Silero VAD v5 from @ricky0123/vad-web's package, on
 * onnxruntime-node (the CPU: the model is 2 MB and runs 32 ms frames one by one, which a GPU
 * round trip per frame would only slow down).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { SileroVad, type OnnxRuntime } from '../engine/vad';

export const SILERO_MODEL_PATH = createRequire(import.meta.url).resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx');

export async function nodeVoiceDetector(): Promise<SileroVad> {
	return SileroVad.create(ort as unknown as OnnxRuntime, await readFile(SILERO_MODEL_PATH), 'cpu');
}
