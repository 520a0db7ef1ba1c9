import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cudaProblem, onnxRuntimeDir } from '$lib/server/gpu';

describe('cudaProblem', () => {
	const fresh = () => mkdtempSync(path.join(tmpdir(), 'koe-gpu-'));

	it("finds onnxruntime-node's runtime for this platform", () => {
		expect(existsSync(path.join(onnxRuntimeDir(), 'libonnxruntime.so.1'))).toBe(true);
	});

	it('names the missing GPU and how to pass one to a container', () => {
		expect(cudaProblem(fresh(), fresh())).toMatch(/no NVIDIA GPU is visible.*--gpus all.*DEVICE=cpu/);
	});

	it('names the missing CUDA provider once a GPU is there, and is satisfied by both', () => {
		const devices = fresh();
		writeFileSync(path.join(devices, 'nvidia0'), '');
		const runtime = fresh();
		expect(cudaProblem(devices, runtime)).toMatch(/libonnxruntime_providers_cuda\.so/);
		mkdirSync(runtime, { recursive: true });
		writeFileSync(path.join(runtime, 'libonnxruntime_providers_cuda.so'), '');
		expect(cudaProblem(devices, runtime)).toBeNull();
	});
});
