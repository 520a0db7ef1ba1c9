/**
 * @file The engine in Node on the local test models (npm run models:prepare), for the engine's
 * tests and the benches: where the models are, how to load one (q8 on the CPU, the browser's WASM
 * precision), and Silero VAD on onnxruntime-node, as the server runs it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { getModel, loadModel, useModelSource, type LoadedModel, type ModelSource } from '../../src/lib/engine';
import { useVoiceDetector } from '../../src/lib/engine/vad';
import { cacheDirFrom } from '../../src/lib/server/config';
import { decodeFile } from '../../src/lib/server/media';
import { nodeOrt } from '../../src/lib/server/onnxruntime';
import { nodeVoiceDetector } from '../../src/lib/server/voice-detector';
import { evalAudioPath } from './eval-audio';

export const modelDir = path.join(cacheDirFrom(process.env), 'models');
export const localSource: ModelSource = { kind: 'local', root: modelDir };

/** Whether every one of these models has been prepared. */
export const haveLocalModels = (...ids: string[]) => ids.every((id) => existsSync(path.join(modelDir, `whisper-${id}`)));

/** The engine reads models from the local folder and runs Silero VAD as the server does. */
export function useLocalEngine(): void {
	useModelSource(localSource);
	useVoiceDetector(nodeVoiceDetector);
}

/** A local model in q8 on the CPU, with the fixed-capacity decoder as the server runs it (or the merged one). */
export const loadLocal = (id: string, decoder: 'fixed-cache' | 'merged' = 'fixed-cache'): Promise<LoadedModel> =>
	loadModel({
		model: getModel(id),
		device: 'cpu',
		source: localSource,
		dtypes: { encoder_model: 'q8', decoder_model_merged: 'q8' },
		...(decoder === 'fixed-cache' ? { ort: nodeOrt } : {})
	});

/** An eval recording as 16 kHz mono samples (fetched where shared/ lacks it). */
export const decodedRecording = async (file: string): Promise<Float32Array> => decodeFile(await evalAudioPath(file));

/** Sample arrays one after another. */
export function concatSamples(parts: readonly Float32Array[]): Float32Array {
	const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}
