import { describe, expect, it } from 'vitest';
import { autoDevice, type Capabilities } from '$lib/browser/capabilities';
import { chooseRoute } from '$lib/browser/route';
import { autoModel, getModel } from '$lib/engine/models';

const wasmDevice: Capabilities = {
	device: 'wasm',
	label: 'WASM',
	reason: 'no-webgpu',
	threads: 'multi',
	wasm: true,
	memoryGb: 8,
	softwareGpu: false
};
const f16Gpu: Capabilities = { ...wasmDevice, device: 'webgpu-f16', label: 'WebGPU', reason: 'webgpu-f16' };
const noWasm: Capabilities = { ...wasmDevice, wasm: false };
const server = { model: 'large-v3' };
const noServer = { model: null };

describe('local or server', () => {
	it('runs on the device when it can', () => {
		expect(chooseRoute(getModel('base'), wasmDevice, server, 'auto')).toEqual({ where: 'local', reason: 'local' });
		expect(chooseRoute(getModel('large-v3-turbo'), f16Gpu, server, 'auto')).toEqual({ where: 'local', reason: 'local' });
	});

	it('sends to the server what the device cannot run, and says why', () => {
		expect(chooseRoute(getModel('tiny'), noWasm, server, 'auto')).toEqual({ where: 'server', reason: 'no-wasm' });
		expect(chooseRoute(getModel('large-v3'), f16Gpu, server, 'auto')).toEqual({ where: 'server', reason: 'server-only-model' });
		expect(chooseRoute(getModel('large-v3-turbo'), wasmDevice, server, 'auto')).toEqual({ where: 'server', reason: 'too-large' });
		expect(chooseRoute(getModel('small'), { ...wasmDevice, memoryGb: 2 }, server, 'auto')).toEqual({
			where: 'server',
			reason: 'too-large'
		});
	});

	it('follows the user, within what is possible', () => {
		expect(chooseRoute(getModel('tiny'), wasmDevice, server, 'server')).toEqual({ where: 'server', reason: 'chosen-server' });
		expect(chooseRoute(getModel('large-v3-turbo'), wasmDevice, server, 'local')).toEqual({ where: 'local', reason: 'chosen-local' });
		expect(chooseRoute(getModel('tiny'), noWasm, server, 'local')).toEqual({ where: 'server', reason: 'no-wasm' });
		expect(chooseRoute(getModel('large-v3'), f16Gpu, server, 'local')).toEqual({ where: 'server', reason: 'server-only-model' });
	});

	it('says when neither can run it', () => {
		expect(chooseRoute(getModel('tiny'), noWasm, noServer, 'auto')).toEqual({ where: 'nowhere', reason: 'no-server' });
		expect(chooseRoute(getModel('tiny'), wasmDevice, noServer, 'server')).toEqual({ where: 'local', reason: 'local' });
	});
});

describe('auto on a software GPU', () => {
	it('picks as it would without a GPU: SwiftShader runs base at a tenth of real time', () => {
		const swiftShader: Capabilities = {
			...wasmDevice,
			device: 'webgpu',
			label: 'WebGPU (google swiftshader)',
			reason: 'webgpu',
			softwareGpu: true
		};
		const realGpu: Capabilities = { ...swiftShader, softwareGpu: false };
		const available = ['tiny', 'base', 'small'];
		expect(autoModel(autoDevice(swiftShader), available)).toBe('base');
		expect(autoModel(autoDevice(realGpu), available)).toBe('small');
		expect(autoDevice(wasmDevice)).toBe('wasm');
	});
});
