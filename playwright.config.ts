/**
 * @file End-to-end tests in Debian's Chromium (never a downloaded browser) against the built app
 * served by `npm start`. Two projects: WebGPU through SwiftShader (a CPU emulation of a GPU),
 * and WebGPU absent, so the app takes its WASM path; a third drives Safari's engine (WebKitGTK),
 * a fourth tests the HTTP API on servers of its own, and a fifth the container image.
 */
import { defineConfig } from '@playwright/test';
import { chromiumPath, quietChromium, swiftShaderWebGpu } from './tests/support/chromium';

const port = Number(process.env.KOE_TEST_PORT ?? 9123);

export default defineConfig({
	testDir: 'tests',
	// One model run at a time: the machine has two cores and each run wants them both.
	workers: 1,
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	// SwiftShader runs WebGPU on the CPU, tens of times slower than a GPU: allow minutes.
	timeout: 10 * 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	use: {
		baseURL: `http://localhost:${port}`,
		acceptDownloads: true,
		trace: 'retain-on-failure'
	},
	projects: [
		{
			name: 'webgpu',
			testDir: 'tests/e2e',
			use: { launchOptions: { executablePath: chromiumPath, args: [...quietChromium, ...swiftShaderWebGpu] } }
		},
		{
			name: 'wasm',
			testDir: 'tests/e2e',
			use: { launchOptions: { executablePath: chromiumPath, args: quietChromium } }
		},
		// Safari's engine: WebKitGTK driven over WebDriver (tests/webkit/webkit.ts), no WebGPU.
		{ name: 'webkit', testDir: 'tests/webkit' },
		// The HTTP API: real servers on real ports (tests/support/server.ts); Chromium for /docs.
		{ name: 'api', testDir: 'tests/api', use: { launchOptions: { executablePath: chromiumPath, args: quietChromium } } },
		// Koe's container image (deploy/Containerfile) built and run with podman; skipped without it.
		{ name: 'container', testDir: 'tests/container' }
	],
	webServer: {
		command: 'npm run build && npm start',
		url: `http://localhost:${port}/`,
		env: { PORT: String(port) },
		timeout: 5 * 60_000,
		// KOE_TEST_REUSE=1 tests a server you already started (npm run build && PORT=9123 npm start).
		reuseExistingServer: process.env.KOE_TEST_REUSE === '1',
		stdout: 'ignore'
	}
});
