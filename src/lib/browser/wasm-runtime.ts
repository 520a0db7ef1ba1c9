/**
 * @file Which onnxruntime-web build the transcription worker starts, and with how many threads.
 *
 * onnxruntime-web starts its WASM runtime once per worker, with the first session, and keeps it:
 * the build cannot change afterwards, so a worker that must run another build is replaced.
 */
import { executionDevice, type EngineDevice } from '$lib/engine/models';
import type { Threads } from './capabilities';

/**
 * - `asyncify`: carries the WebGPU provider, whose calls into the GPU wait on promises; every
 *   WASM function pays for that instrumentation (a 3-minute file in Chromium took 17.4 s with it
 *   against 16.3 s with the plain build on the CPU, measured 2026-12-02).
 * - `plain`: the CPU build, what transformers.js itself takes where WebGPU is absent.
 */
export type WasmBuild = 'asyncify' | 'plain';

export function wasmBuild(device: EngineDevice): WasmBuild {
	return executionDevice(device) === 'webgpu' ? 'asyncify' : 'plain';
}

/**
 * onnxruntime-web's default is half the cores, at most 4: one thread on a 2-core laptop, where
 * the second doubles the speed (the same 3-minute file: 27.6 s on one thread, 17.4 s on two).
 * The worker is the page's one heavy task, so it takes every core up to onnxruntime-web's cap.
 * Threads need shared memory (capabilities.ts's `wasmThreads` probe says whether there is any).
 */
export function runtimeThreads(cores: number, threads: Threads): number {
	if (threads !== 'multi') return 1;
	return Math.max(1, Math.min(4, cores));
}
