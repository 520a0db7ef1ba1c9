/**
 * @file A Playwright fixture that drives Safari's engine: Debian's WebKitGTK MiniBrowser under
 * WebKitWebDriver, over classic WebDriver with webdriverio (Playwright's own WebKit is a
 * downloaded build, which we never use). Xvfb gives it a screen when there is none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test as base } from '@playwright/test';
import { remote, type Browser } from 'webdriverio';
import { freePort } from '../support/server';

const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';

export type WebKitBrowser = Browser;

/** Starts Xvfb on a free display (it picks one and tells us through -displayfd). */
function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
	return new Promise((resolve, reject) => {
		const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
			stdio: ['ignore', 'pipe', 'ignore']
		});
		xvfb.once('error', reject);
		xvfb.stdout!.once('data', (data: Buffer) => resolve({ display: `:${data.toString().trim()}`, process: xvfb }));
	});
}

async function waitForDriver(port: number): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const ready = await fetch(`http://127.0.0.1:${port}/status`).then(
			(r) => r.ok,
			() => false
		);
		if (ready) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error('WebKitWebDriver did not start');
}

export const test = base.extend<{ webkit: WebKitBrowser }, { driverPort: number }>({
	driverPort: [
		async ({}, use) => {
			if (!existsSync(DRIVER) || !existsSync(MINIBROWSER)) {
				throw new Error('WebKitGTK is missing: apt-get install webkit2gtk-driver xvfb (scripts/setup.sh does it)');
			}
			const xvfb = process.env.DISPLAY ? undefined : await startXvfb();
			const port = await freePort();
			const driver = spawn(DRIVER, [`--port=${port}`], {
				env: { ...process.env, ...(xvfb ? { DISPLAY: xvfb.display } : {}) },
				stdio: 'ignore'
			});
			try {
				await waitForDriver(port);
				await use(port);
			} finally {
				driver.kill();
				xvfb?.process.kill();
			}
		},
		{ scope: 'worker' }
	],
	webkit: async ({ driverPort, baseURL }, use) => {
		const browser = await remote({
			hostname: '127.0.0.1',
			port: driverPort,
			logLevel: 'warn',
			baseUrl: baseURL,
			capabilities: {
				browserName: 'MiniBrowser',
				// WebKitWebDriver speaks classic WebDriver only; webdriverio would ask for BiDi.
				'wdio:enforceWebDriverClassic': true,
				'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] }
			} as WebdriverIO.Capabilities
		});
		try {
			await use(browser);
		} finally {
			await browser.deleteSession();
		}
	}
});

export { expect } from '@playwright/test';
