/** @file How the tests launch Debian's Chromium (never a downloaded browser). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const quietChromium = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** WebGPU on SwiftShader: a CPU emulation of a GPU, without shader-f16. */
export const swiftShaderWebGpu = [
	'--enable-unsafe-webgpu',
	'--enable-features=Vulkan',
	'--use-vulkan=swiftshader',
	'--use-webgpu-adapter=swiftshader'
];
