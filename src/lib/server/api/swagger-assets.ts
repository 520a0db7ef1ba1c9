/**
 * @file The few swagger-ui-dist files the /docs page loads, read from the installed package.
 * Only the files in the allow-list are served, so no request can reach anything else on disk.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const ASSETS: Readonly<Record<string, string>> = Object.freeze({
	'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
	'swagger-ui.css': 'text/css; charset=utf-8',
	'favicon-32x32.png': 'image/png',
	'favicon-16x16.png': 'image/png'
});

const require = createRequire(import.meta.url);
const packageJsonPath = require.resolve('swagger-ui-dist/package.json');
const PACKAGE_DIR = path.dirname(packageJsonPath);

/** Part of every asset URL, so that an upgrade of the package busts the year-long cache. */
export const SWAGGER_UI_VERSION: string = (require(packageJsonPath) as { version: string }).version;

/** The file's bytes and type, or undefined for a name not on the list. */
export async function readSwaggerAsset(file: string): Promise<{ body: Uint8Array<ArrayBuffer>; contentType: string } | undefined> {
	const contentType = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
	if (!contentType) return undefined;
	return { body: new Uint8Array(await readFile(path.join(PACKAGE_DIR, file))), contentType };
}
