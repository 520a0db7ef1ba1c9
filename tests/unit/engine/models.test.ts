import { describe, expect, it } from 'vitest';
import {
	autoModel,
	browserModels,
	canSplitVocabulary,
	downloadedOnnxFiles,
	fixedCacheFiles,
	getModel,
	onnxFiles,
	selectDtypes
} from '$lib/engine/models';

describe('model registry', () => {
	it('resolves "auto" to the best model that can be had on the device', () => {
		expect(autoModel('wasm', ['tiny.en', 'base'])).toBe('base');
		expect(autoModel('wasm', ['tiny.en'])).toBe('tiny.en');
		expect(autoModel('webgpu-f16', ['tiny', 'small', 'large-v3-turbo'])).toBe('large-v3-turbo');
		expect(autoModel('webgpu', [])).toBeNull();
	});

	it('keeps server-only models out of the browser', () => {
		expect(browserModels().map((m) => m.id)).not.toContain('large-v3');
	});

	it('names the files each device downloads', () => {
		expect(onnxFiles('wasm')).toEqual(['onnx/encoder_model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx']);
		expect(onnxFiles('webgpu')).toEqual(['onnx/encoder_model.onnx', 'onnx/decoder_model_merged_q4.onnx']);
		// From our server the fixed-capacity decoder replaces the merged one where it runs, in
		// the page without its vocabulary, whose table comes as a file of its own.
		expect(downloadedOnnxFiles('wasm', true)).toEqual([
			'onnx/encoder_model_quantized.onnx',
			'onnx/cross_kv_model_quantized.onnx',
			'onnx/decoder_fixed_cache_hidden_model_quantized.onnx',
			'onnx/vocabulary_quantized.safetensors'
		]);
		// The server keeps the whole graph; fp32 has no graph without the vocabulary.
		expect(fixedCacheFiles('cpu')).toEqual(['onnx/cross_kv_model_quantized.onnx', 'onnx/decoder_fixed_cache_model_quantized.onnx']);
		expect(canSplitVocabulary('fp32')).toBe(false);
		expect(downloadedOnnxFiles('wasm', false)).toEqual(onnxFiles('wasm'));
		expect(downloadedOnnxFiles('webgpu', true)).toEqual(onnxFiles('webgpu'));
		expect(selectDtypes('webgpu-f16').encoder_model).toBe('fp16');
	});

	it('lists the valid ids for an unknown model', () => {
		expect(() => getModel('large-v9')).toThrow(/tiny, tiny\.en, base/);
	});
});
