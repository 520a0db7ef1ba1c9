// @file ESLint (flat config): JavaScript's and typescript-eslint's recommended rules, Svelte's,
// Prettier's hands-off for layout, and the project's own: no import cycles, and each layer
// imports only the layers below it (core ← engine ← browser/server, as the folders say).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Imports a layer may not make: the pattern, and why. */
const layer = (...forbidden) => ({
	'no-restricted-imports': ['error', { patterns: forbidden.map(([group, message]) => ({ group: [group], message })) }]
});
const BROWSER = ['**/browser/**', 'browser code runs in the page only'];
const SERVER = ['**/server/**', 'server code runs in Node only'];
const ENGINE = ['**/engine/**', 'the engine is a layer above core'];

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/', 'static/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		plugins: { 'import-x': importX },
		settings: {
			// The cycle check reads each imported module, so it needs TypeScript's parser and resolver.
			'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
			'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })]
		},
		rules: {
			'import-x/no-cycle': 'error',
			// `_name` marks a value destructured away on purpose.
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	},
	// Playwright reads a fixture's dependencies from its first parameter, so `async ({}, use)` is how
	// a fixture says it needs none.
	{ files: ['tests/**'], rules: { 'no-empty-pattern': 'off' } },
	{ files: ['src/lib/core/**'], rules: layer(BROWSER, SERVER, ENGINE) },
	{ files: ['src/lib/engine/**'], rules: layer(BROWSER, SERVER) },
	{ files: ['src/lib/browser/**', 'workers/**'], rules: layer(SERVER) }
);
