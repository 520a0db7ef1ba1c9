/**
 * @file The fixed-capacity decoder with its buffers in onnxruntime-web's WASM heap, as the page
 * runs it (src/lib/browser/ort-heap.ts), and with its vocabulary projected outside the graph by the
 * page's kernel (src/lib/browser/vocabulary-kernel.ts), against onnxruntime-web's own copying runs
 * of the whole graph: the same greedy and beam-search tokens and the same word times, on real
 * recordings with tiny.en q8.
 *
 * onnxruntime-web runs here in Node, on the same WASM build and two threads as in the page, its
 * factory imported through static/ort-wasm-capture.mjs as the page's worker does. The encoder
 * runs on onnxruntime-node (transformers.js's Node backend); both decoders read its output.
 */
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import * as ortWeb from 'onnxruntime-web';
import type { InferenceSession } from 'onnxruntime-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel, loadModel, transcribe, type LoadedModel, type OrtClasses } from '$lib/engine';
import { jsMemory } from '$lib/engine/decoding/decoder-memory';
import { CAPTURED, captureFactoryUrl, heapMemory } from '$lib/browser/ort-heap';
import { wasmVocabulary } from '$lib/browser/vocabulary-kernel';
import { decodedRecording, haveLocalModels, localSource, useLocalEngine } from '../../support/local-models';

const haveModels = haveLocalModels('tiny.en');
const dist = pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-web')).href.replace(/[^/]+$/, '');
const capture = new URL('../../../static/ort-wasm-capture.mjs', import.meta.url);

const load = (inHeap: boolean, splitVocabulary = false) =>
	loadModel({
		model: getModel('tiny.en'),
		device: 'cpu',
		source: localSource,
		dtypes: { encoder_model: 'q8', decoder_model_merged: 'q8' },
		ort: ortWeb as unknown as OrtClasses,
		// The page's device is 'wasm', whose runs do not fill the output tensors passed to them.
		decoderMemory: inHeap ? heapMemory : () => jsMemory(ortWeb as unknown as OrtClasses, false),
		...(splitVocabulary ? { vocabularyKernel: wasmVocabulary } : {})
	});

describe.skipIf(!haveModels)("the decoder's buffers in onnxruntime-web's heap", () => {
	let heap: LoadedModel;
	let split: LoadedModel;
	let copied: LoadedModel;
	beforeAll(async () => {
		useLocalEngine();
		ortWeb.env.wasm.numThreads = 2;
		ortWeb.env.wasm.wasmPaths = {
			mjs: captureFactoryUrl(capture, 'ort-wasm-simd-threaded.mjs', dist),
			wasm: new URL('ort-wasm-simd-threaded.wasm', dist).href
		};
		heap = await load(true);
		split = await load(true, true);
		copied = await load(false);
	}, 60_000);
	afterAll(async () => {
		for (const model of [heap, split, copied]) await Promise.all([model?.fixedCache?.dispose(), model?.pipe.dispose()]);
	});

	it('is used where the runtime was captured, and not otherwise', () => {
		expect((globalThis as Record<string, unknown>)[CAPTURED]).toBeTruthy();
		expect(heap.fixedCache!.memory.constructor.name).toBe('WasmHeapMemory');
		expect(copied.fixedCache!.memory.constructor.name).not.toBe('WasmHeapMemory');
		// The page's q8 decoder without its vocabulary, whose table the kernel holds.
		expect(split.fixedCache!.vocabulary?.rows).toBe(51864);
		expect(heap.fixedCache!.vocabulary).toBeUndefined();
		// A session of another runtime has no handle in the module; without the module, nothing runs there.
		expect(heapMemory([{} as InferenceSession])).toBeUndefined();
		const globals = globalThis as Record<string, unknown>;
		const captured = globals[CAPTURED];
		delete globals[CAPTURED];
		try {
			expect(heapMemory([])).toBeUndefined();
		} finally {
			globals[CAPTURED] = captured;
		}
	});

	for (const [file, options] of [
		['en_jfk.wav', { beamSize: 1, wordTimestamps: true }],
		['en_librivox_sonnet001.mp3', { beamSize: 5, wordTimestamps: false }],
		['en_librispeech_2412-153948-0000.flac', { beamSize: 5, wordTimestamps: true }]
	] as const) {
		it(`transcribes ${file} with ${options.beamSize} beam(s) as the copying runs of the whole graph do, token for token`, async () => {
			const audio = await decodedRecording(file);
			const run = async (model: LoadedModel) => {
				const { segments } = await transcribe(model, audio, { vadFilter: false, ...options });
				return segments.map(({ tokens, words }) => ({ tokens, words: words?.map((w) => [w.word, w.start, w.end]) }));
			};
			const [inHeap, withKernel, byCopy] = [await run(heap), await run(split), await run(copied)];
			expect(inHeap.flatMap((s) => s.tokens).length).toBeGreaterThan(20);
			expect(inHeap).toEqual(byCopy);
			expect(withKernel).toEqual(byCopy);
		}, 120_000);
	}
});
