/**
 * @file The transcription worker: the Whisper engine behind comlink, off the page's main thread.
 * The page talks to it only through src/lib/browser/engine-worker.ts; failures leave it as
 * EngineFailure codes (src/lib/browser/failures.ts).
 */
import * as Comlink from 'comlink';
import { env, type ProgressInfo } from '@huggingface/transformers';
// onnxruntime-web's WASM runtimes, served from our origin instead of transformers.js's CDN default.
import asyncifyMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import asyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import plainMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import plainWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
// The same onnxruntime-web module transformers.js imports, so Silero VAD shares its WASM runtime.
import * as ort from 'onnxruntime-web/webgpu';
import sileroUrl from '@ricky0123/vad-web/dist/silero_vad_v5.onnx?url';
import type { TranscribeOptions } from '$lib/core/options';
import {
	getModel,
	loadModel,
	transcribe,
	useModelSource,
	type EngineDevice,
	type LoadedModel,
	type ModelSource,
	type OrtClasses,
	type TranscribeProgress
} from '$lib/engine';
import type { Transcript } from '$lib/core/transcript';
import { SileroVad, useVoiceDetector, voiceDetector, type OnnxRuntime } from '$lib/engine/vad';
import { LiveTranscriber, type LiveLine } from '$lib/engine/live';
import { engineFailure, sendFailureCodes } from '$lib/browser/failures';
import { wasmThreads } from '$lib/browser/capabilities';
import { runtimeThreads, wasmBuild, type WasmBuild } from '$lib/browser/wasm-runtime';
import { captureFactoryUrl, heapMemory } from '$lib/browser/ort-heap';
import { wasmVocabulary } from '$lib/browser/vocabulary-kernel';

/** Reads samples from the page, which decodes the media lazily (see src/lib/browser/decode.ts). */
export type ReadSamples = (start: number, count: number) => Promise<Float32Array>;

/** What the page may ask of the worker. */
export interface EngineApi {
	load(modelId: string, device: EngineDevice, source: ModelSource, onProgress: (info: ProgressInfo) => void): Promise<void>;
	/** Transcribes `length` samples read through `read`; rejects with an AbortError after cancel(). */
	transcribe(
		length: number,
		read: ReadSamples,
		options: TranscribeOptions,
		onProgress: (progress: TranscribeProgress) => void
	): Promise<Transcript>;
	/** Stops the running transcription at the next decoder step. */
	cancel(): void;
	/** Live captions with the loaded model: lines come through `onLine` as the audio fed is heard. */
	liveStart(options: TranscribeOptions, onLine: (line: LiveLine) => void): Promise<void>;
	/** The microphone's next samples (16 kHz mono), the last heard at `heardAt` (ms since the epoch). */
	liveFeed(samples: Float32Array, heardAt: number): Promise<void>;
	/** Ends live captions at once (the recording's own transcription follows). */
	liveStop(): Promise<void>;
	/**
	 * Takes the Web Lock `name` and holds it for as long as this worker lives, so that the page
	 * learns when the browser ends it; false where there are no Web Locks.
	 */
	holdLock(name: string): Promise<boolean>;
}

let loaded: LoadedModel | undefined;
let loadedKey = '';
let running: AbortController | undefined;
let previous: Promise<void> = Promise.resolve();
let live: LiveTranscriber | undefined;
/** The load under way, so that a second call for the same model waits for it. */
let loading: { key: string; done: Promise<void> } | undefined;

/** Live captions end before anything else uses the model. */
async function endLive(): Promise<void> {
	const ending = live;
	live = undefined;
	await ending?.stop();
}

const api: EngineApi = {
	async load(modelId, device, source, onProgress) {
		const key = JSON.stringify([modelId, device, source]);
		if (loaded && key === loadedKey) return;
		// Live captions may have started loading this model a moment before the recording's own run
		// asks for it: one load, not two (the first would be left undisposed).
		if (loading?.key === key) return loading.done;
		const done = (async () => {
			await endLive();
			await previous; // a cancelled run may still be using the model we are about to dispose
			useModelSource(source);
			startRuntime(device);
			await loaded?.fixedCache?.dispose();
			await loaded?.pipe.dispose();
			loaded = undefined;
			loadedKey = '';
			try {
				loaded = await loadModel({
					model: getModel(modelId),
					device,
					source,
					ort: ort as unknown as OrtClasses,
					// Only the plain build's factory is captured (startRuntime): elsewhere this gives undefined.
					decoderMemory: heapMemory,
					// q8 on WASM: the vocabulary's projection in a SIMD kernel of ours, not onnxruntime-web's.
					vocabularyKernel: wasmVocabulary,
					onProgress
				});
			} catch (error) {
				throw engineFailure(error, 'load', navigator.onLine);
			}
			loadedKey = key;
		})();
		loading = { key, done };
		try {
			await done;
		} finally {
			if (loading?.done === done) loading = undefined;
		}
	},
	async transcribe(length, read, options, onProgress) {
		if (!loaded) throw new Error('No model is loaded yet.');
		const model = loaded;
		running?.abort();
		await endLive();
		// A cancelled run stops at its next decoder step; the next run waits for that, so the
		// model's sessions never run two loops at once.
		await previous;
		const controller = (running = new AbortController());
		const work = transcribe(model, { length, getSamples: read }, options, onProgress, controller.signal);
		previous = work.then(
			() => undefined,
			() => undefined
		);
		try {
			return await work;
		} catch (error) {
			throw engineFailure(error, 'transcribe', navigator.onLine);
		} finally {
			if (running === controller) running = undefined;
		}
	},
	cancel() {
		running?.abort();
	},
	async liveStart(options, onLine) {
		if (!loaded) throw new Error('No model is loaded yet.');
		await endLive();
		await previous;
		const model = loaded;
		let vad;
		try {
			vad = await voiceDetector();
		} catch (error) {
			throw engineFailure(error, 'transcribe', navigator.onLine);
		}
		// Another model, or a file's run, may have taken over while the detector loaded.
		if (loaded !== model || running) throw new Error('The model was taken by another run.');
		// The page's clock and this worker's differ by their time origins: both count from the epoch.
		live = new LiveTranscriber(model, vad, options, (line) => onLine(line), {
			now: () => performance.timeOrigin + performance.now()
		});
	},
	async liveFeed(samples, heardAt) {
		// Ended by a file's run (or never started): the page says live captions stopped.
		if (!live) throw new Error('Live captions have ended.');
		await live.feed(samples, heardAt);
	},
	liveStop: endLive,
	holdLock(name) {
		return new Promise((resolve) => {
			if (!navigator.locks) return resolve(false);
			navigator.locks
				.request(name, () => {
					resolve(true);
					return new Promise<never>(() => {}); // released only when this worker ends
				})
				.catch(() => resolve(false));
		});
	}
};

/** The build the runtime was started with: set by the first load, for the worker's lifetime. */
let runtime: WasmBuild | undefined;

/** Points onnxruntime-web at the build `device` needs, before its first session starts it. */
function startRuntime(device: EngineDevice): void {
	const build = wasmBuild(device);
	if (runtime === build) return;
	// The page replaces a worker whose build does not suit the device (EngineWorker.load).
	if (runtime) throw new Error(`This worker runs onnxruntime-web's ${runtime} build, which cannot run on ${device}.`);
	const wasm = env.backends.onnx.wasm;
	if (!wasm) return;
	// The plain build's factory comes through static/ort-wasm-capture.mjs, so that the decoder can
	// keep its buffers in the runtime's heap (src/lib/browser/ort-heap.ts).
	wasm.wasmPaths =
		build === 'asyncify'
			? { mjs: asyncifyMjs, wasm: asyncifyWasm }
			: { mjs: captureFactoryUrl('/ort-wasm-capture.mjs', plainMjs, self.location.href), wasm: plainWasm };
	wasm.numThreads = runtimeThreads(navigator.hardwareConcurrency, wasmThreads());
	runtime = build;
}

// Silero VAD (2 MB), fetched from our origin on the first transcription that skips silence.
useVoiceDetector(async () => {
	const response = await fetch(sileroUrl);
	if (!response.ok) throw new Error(`The voice detector could not be loaded (HTTP ${response.status}).`);
	return SileroVad.create(ort as unknown as OnnxRuntime, new Uint8Array(await response.arrayBuffer()), 'wasm');
});
sendFailureCodes();
Comlink.expose(api);
