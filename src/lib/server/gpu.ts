/**
 * @file Whether DEVICE=cuda can work here, checked before the model loads: an NVIDIA GPU must be
 * visible (its device nodes) and onnxruntime's CUDA provider must sit beside onnxruntime-node's
 * runtime. Without this, a missing GPU shows up as a long onnxruntime error after the model's
 * files are read, or not at all.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The folder of onnxruntime-node's native runtime for this platform. */
export function onnxRuntimeDir(): string {
	const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
	return path.resolve(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * At start: with DEVICE=cuda and no usable GPU, says why and ends the process, so that a server
 * or worker never fails every job or silently runs on the CPU.
 */
export function stopUnlessCudaUsable(device: string): void {
	if (device !== 'cuda') return;
	const problem = cudaProblem();
	if (!problem) return;
	console.error(problem);
	process.exit(1);
}

/** Why DEVICE=cuda cannot run in this process, in words for the operator; null when it can. */
export function cudaProblem(devices = '/dev', runtimeDir = onnxRuntimeDir()): string | null {
	const gpus = readdirSync(devices).filter((name) => /^nvidia\d+$/.test(name));
	if (gpus.length === 0) {
		return (
			'DEVICE=cuda, but no NVIDIA GPU is visible here (no /dev/nvidia0). In a container, give it the GPU: ' +
			'`docker run --gpus all …` or `podman run --device nvidia.com/gpu=all …` (NVIDIA Container Toolkit). Or set DEVICE=cpu.'
		);
	}
	if (!existsSync(path.join(runtimeDir, 'libonnxruntime_providers_cuda.so'))) {
		return (
			`DEVICE=cuda, but onnxruntime's CUDA provider is missing (no libonnxruntime_providers_cuda.so in ${runtimeDir}). ` +
			'Use the koe:cuda image, or install with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci.'
		);
	}
	return null;
}
