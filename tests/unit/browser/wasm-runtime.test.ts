import { describe, expect, it } from 'vitest';
import { wasmBuild, wasmThreads } from '$lib/browser/wasm-runtime';

describe('wasmBuild', () => {
	it('starts the asyncify build only where the WebGPU provider runs', () => {
		expect(wasmBuild('webgpu')).toBe('asyncify');
		expect(wasmBuild('webgpu-f16')).toBe('asyncify');
		expect(wasmBuild('wasm')).toBe('plain');
	});
});

describe('wasmThreads', () => {
	it('takes every core up to four on an isolated page', () => {
		expect(wasmThreads(2, true)).toBe(2);
		expect(wasmThreads(16, true)).toBe(4);
		expect(wasmThreads(0, true)).toBe(1);
	});
	it('runs one thread without cross-origin isolation (no shared memory)', () => {
		expect(wasmThreads(8, false)).toBe(1);
	});
});
