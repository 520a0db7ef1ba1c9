/**
 * @file The server's configuration, read from the environment in this one module. A bad value
 * fails at startup with the variable's name and what it accepts.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export type ModelSourceKind = 'local' | 'hub';

export interface ServerConfig {
	port: number;
	host: string;
	/** Where models:prepare keeps its venv, downloads and converted models. */
	cacheDir: string;
	/** The folder of transformers.js-layout model folders served at /models/. */
	modelDir: string;
	modelSource: ModelSourceKind;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
	constructor(name: string, value: string, expected: string) {
		super(`Invalid value for environment variable ${name}: "${value}" (expected ${expected})`);
		this.name = 'ConfigError';
	}
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new ConfigError(name, raw, `an integer from ${min} to ${max}`);
	}
	return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, raw, allowed.join(' or '));
	return raw as T;
}

export function cacheDirFrom(env: Env): string {
	return path.resolve(env.KOE_CACHE || path.join(homedir(), '.cache', 'koe'));
}

export function readConfig(env: Env = process.env): ServerConfig {
	const cacheDir = cacheDirFrom(env);
	const modelDir = path.resolve(env.MODEL_DIR || path.join(cacheDir, 'models'));
	return {
		port: integer(env, 'PORT', 9000, 1, 65535),
		host: env.HOST || '0.0.0.0',
		cacheDir,
		modelDir,
		// Local models are the default where models:prepare has built some; users get the hub.
		modelSource: oneOf(env, 'MODEL_SOURCE', ['local', 'hub'], existsSync(modelDir) ? 'local' : 'hub')
	};
}

let current: ServerConfig | undefined;

/** The configuration of this process, read on first use. */
export function config(): ServerConfig {
	current ??= readConfig();
	return current;
}
