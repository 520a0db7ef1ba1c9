/**
 * @file The server's configuration, read from the environment in this one module. A bad value
 * fails at startup with the variable's name and what it accepts.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { DTYPES, MODELS, type Dtype } from '../engine/models';

export type ModelSourceKind = 'local' | 'hub';

export interface ServerConfig {
	port: number;
	host: string;
	/** Where models:prepare keeps its venv, downloads and converted models. */
	cacheDir: string;
	/** The folder of transformers.js-layout model folders served at /models/. */
	modelDir: string;
	modelSource: ModelSourceKind;
	/** The model the API serves (a registry id). */
	model: string;
	/** onnxruntime-node's device: the CPU, or an NVIDIA GPU (needs ONNXRUNTIME_NODE_INSTALL=cuda12). */
	device: 'cpu' | 'cuda';
	/** Weights to load; empty picks the registry's choice for the device. */
	dtype: Dtype | '';
	/** Tasks (SQLite) and their uploads. */
	dataDir: string;
	/** Bearer keys; empty means the API is open. */
	apiKeys: string[];
	/** Requests per minute per client address on the API routes; 0 turns the limit off. */
	rateLimitPerMinute: number;
	maxUploadBytes: number;
	/** A synchronous call that takes longer answers 504 and points to its task. */
	syncTimeoutSeconds: number;
	/** Transcriptions run at once. */
	concurrency: number;
	/** Beams for requests that do not say (beam_size): 1 is greedy; faster-whisper's services use 5. */
	beamSize: number;
	/** Finished tasks and their files are deleted after this long. */
	taskTtlHours: number;
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

function list(env: Env, name: string): string[] {
	return (env[name] ?? '')
		.split(',')
		.map((item) => item.trim())
		.filter(Boolean);
}

export function readConfig(env: Env = process.env): ServerConfig {
	const cacheDir = cacheDirFrom(env);
	const modelDir = path.resolve(env.MODEL_DIR || path.join(cacheDir, 'models'));
	return {
		model: oneOf(env, 'MODEL', Object.keys(MODELS), 'base'),
		device: oneOf(env, 'DEVICE', ['cpu', 'cuda'], 'cpu'),
		dtype: oneOf(env, 'DTYPE', ['', ...DTYPES], ''),
		dataDir: path.resolve(env.DATA_DIR || path.join(cacheDir, 'data')),
		apiKeys: list(env, 'API_KEYS'),
		rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 10, 0, 1_000_000),
		maxUploadBytes: integer(env, 'MAX_UPLOAD_MB', 1024, 1, 1_000_000) * 1024 * 1024,
		syncTimeoutSeconds: integer(env, 'SYNC_TIMEOUT_S', 600, 1, 86_400),
		concurrency: integer(env, 'JOB_CONCURRENCY', 1, 1, 64),
		beamSize: integer(env, 'BEAM_SIZE', 1, 1, 16),
		taskTtlHours: integer(env, 'TASK_TTL_HOURS', 24, 1, 24 * 365),
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
