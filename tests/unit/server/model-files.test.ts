import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localModelIds, modelFileResponse, resolveModelFile } from '$lib/server/model-files';

const root = mkdtempSync(path.join(tmpdir(), 'koe-models-'));
mkdirSync(path.join(root, 'whisper-tiny.en', 'onnx'), { recursive: true });
writeFileSync(path.join(root, 'whisper-tiny.en', 'config.json'), '{"model_type":"whisper"}');
writeFileSync(path.join(root, '..', 'koe-secret.txt'), 'not for you');

describe('model file serving', () => {
	it('resolves files inside the model folder', () => {
		expect(resolveModelFile(root, 'whisper-tiny.en/config.json')).toBe(path.join(root, 'whisper-tiny.en', 'config.json'));
	});

	it.each(['../koe-secret.txt', 'whisper-tiny.en/../../koe-secret.txt', '..\\koe-secret.txt', 'a\0b', '', '.'])(
		'refuses %j',
		(requested) => {
			expect(resolveModelFile(root, requested)).toBeNull();
		}
	);

	it('keeps absolute-looking paths inside the folder', () => {
		expect(resolveModelFile(root, '/etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
	});

	it('streams a file with its length and type', async () => {
		const response = await modelFileResponse(root, 'whisper-tiny.en/config.json');
		expect(response?.headers.get('content-type')).toBe('application/json');
		expect(response?.headers.get('content-length')).toBe('24');
		expect(await response?.text()).toBe('{"model_type":"whisper"}');
	});

	it('answers null for folders and missing files', async () => {
		expect(await modelFileResponse(root, 'whisper-tiny.en/onnx')).toBeNull();
		expect(await modelFileResponse(root, 'whisper-tiny.en/missing.json')).toBeNull();
	});
});

describe('local model listing', () => {
	it('lists the registry models whose folders exist', async () => {
		const registry = [
			{ id: 'tiny.en', localName: 'whisper-tiny.en' },
			{ id: 'base', localName: 'whisper-base' }
		];
		expect(await localModelIds(root, registry)).toEqual(['tiny.en']);
		expect(await localModelIds(path.join(root, 'nowhere'), registry)).toEqual([]);
	});
});
