/**
 * @file What this browser can run, probed once and memoised (never guessed from the user agent).
 */
import type { EngineDevice } from '$lib/engine/models';

export interface Capabilities {
	/** The device the engine will use. */
	device: EngineDevice;
	/** What to tell the user, e.g. "WebGPU (Google SwiftShader)" or "WASM". */
	label: string;
	/** Why that device was chosen (the page words it in the UI language). */
	reason: 'webgpu-f16' | 'webgpu' | 'no-webgpu' | 'no-adapter';
	/** How many threads WASM gets, and why only one where that is so. */
	threads: Threads;
	/**
	 * WebAssembly is there: onnxruntime-web and ffmpeg.wasm need it on every device, WebGPU
	 * included. Without it (disabled by policy, lockdown modes) only the server can transcribe.
	 */
	wasm: boolean;
	/** navigator.deviceMemory in GB where the browser tells (Chromium), else null. */
	memoryGb: number | null;
	/**
	 * The WebGPU adapter draws on the CPU (SwiftShader, llvmpipe): it works, at a tenth of real
	 * time for base, so "auto" picks as it would without a GPU.
	 */
	softwareGpu: boolean;
}

/**
 * WASM threads need SharedArrayBuffer, which browsers offer only to cross-origin isolated pages;
 * WebKitGTK offers none even then, and onnxruntime-web and ffmpeg.wasm fall back to one thread.
 */
export type Threads = 'multi' | 'not-isolated' | 'no-shared-memory';

export function wasmThreads(): Threads {
	if (globalThis.crossOriginIsolated !== true) return 'not-isolated';
	return typeof SharedArrayBuffer === 'function' ? 'multi' : 'no-shared-memory';
}

/** The slice of the WebGPU API we read; typed here to keep @webgpu/types out of the build. */
interface GpuAdapterLike {
	features: { has(name: string): boolean };
	info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
	/** Where browsers kept it before GPUAdapterInfo had it. */
	isFallbackAdapter?: boolean;
}
interface GpuLike {
	requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

let probe: Promise<Capabilities> | undefined;

export function probeCapabilities(): Promise<Capabilities> {
	probe ??= detect();
	return probe;
}

async function detect(): Promise<Capabilities> {
	const threads = wasmThreads();
	const wasmPresent = typeof WebAssembly === 'object';
	const memoryGb = (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? null;
	const base = { threads, wasm: wasmPresent, memoryGb, softwareGpu: false };
	const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
	if (!gpu) {
		return wasm(base, 'no-webgpu');
	}
	let adapter: GpuAdapterLike | null = null;
	try {
		adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
	} catch {
		adapter = null;
	}
	if (!adapter) {
		return wasm(base, 'no-adapter');
	}
	const f16 = adapter.features.has('shader-f16');
	const name = adapterName(adapter);
	return {
		device: f16 ? 'webgpu-f16' : 'webgpu',
		label: name ? `WebGPU (${name})` : 'WebGPU',
		reason: f16 ? 'webgpu-f16' : 'webgpu',
		...base,
		softwareGpu: isSoftware(adapter, name)
	};
}

/** CPU renderers that a browser may offer as its WebGPU adapter; the flag where the browser sets it. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|warp|software/i;

function isSoftware(adapter: GpuAdapterLike, name: string): boolean {
	return adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE_RENDERERS.test(name);
}

/** The device whose models "auto" picks from: a software GPU counts as none. */
export function autoDevice(capabilities: Capabilities): EngineDevice {
	return capabilities.softwareGpu ? 'wasm' : capabilities.device;
}

function wasm(base: Pick<Capabilities, 'threads' | 'wasm' | 'memoryGb' | 'softwareGpu'>, reason: 'no-webgpu' | 'no-adapter'): Capabilities {
	return { device: 'wasm', label: base.wasm ? 'WASM' : 'no WASM', reason, ...base };
}

function adapterName(adapter: GpuAdapterLike): string {
	const info = adapter.info;
	if (!info) return '';
	return [info.vendor, info.architecture, info.description].filter(Boolean).join(' ').trim();
}
