import { describe, expect, it } from 'vitest';
import { runtimeThreads, wasmBuild } from '$lib/browser/wasm-runtime';

describe('wasmBuild', () => {
	it('starts the asyncify build only where the WebGPU provider runs', () => {
		expect(wasmBuild('webgpu')).toBe('asyncify');
		expect(wasmBuild('webgpu-f16')).toBe('asyncify');
		expect(wasmBuild('wasm')).toBe('plain');
	});
});

describe('runtimeThreads', () => {
	it('takes every core up to four where WASM has shared memory', () => {
		expect(runtimeThreads(2, 'multi')).toBe(2);
		expect(runtimeThreads(16, 'multi')).toBe(4);
		expect(runtimeThreads(0, 'multi')).toBe(1);
	});
	it('runs one thread without shared memory (not isolated, or WebKitGTK)', () => {
		expect(runtimeThreads(8, 'not-isolated')).toBe(1);
		expect(runtimeThreads(8, 'no-shared-memory')).toBe(1);
	});
});
