/**
 * @file The server's configuration, read from the environment in this one module. A bad value
 * fails at startup with the variable's name and what it accepts.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { OPTION_FIELDS } from '../core/options';
import { DTYPES, getModel, MODELS, type Dtype } from '../engine/models';

export type ModelSourceKind = 'local' | 'hub';

export interface ServerConfig {
	port: number;
	host: string;
	/** Where models:prepare keeps its venv, downloads and converted models. */
	cacheDir: string;
	/** The folder of transformers.js-layout model folders served at /models/. */
	modelDir: string;
	/** Where models fetched from the hub are kept (MODEL_DIR/hub: a container's /models volume keeps them). */
	hubCacheDir: string;
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
	/** With API_KEYS: whether the page may still hand files to this server (with a short-lived token it is given). */
	pageFallback: boolean;
	/** Requests per minute per client address on the API routes; 0 turns the limit off. */
	rateLimitPerMinute: number;
	/** Requests per minute per API key (besides the address's limit); 0 turns it off. */
	keyRateLimitPerMinute: number;
	maxUploadBytes: number;
	/** Requests with an upload in progress (being received or waiting for their answer) per client address. */
	maxUploadsPerClient: number;
	/** Tasks waiting to start; past it, new work is refused with 503 and Retry-After. */
	queueLimit: number;
	/** Origins whose pages may call the API (CORS); empty: none but this server's own page, `*`: any. */
	corsOrigins: string[];
	/** A synchronous call that takes longer answers 504 and points to its task. */
	syncTimeoutSeconds: number;
	/** Transcriptions run at once. */
	concurrency: number;
	/** Beams for requests that do not say (beam_size): 1 is greedy; faster-whisper's services use 5. */
	beamSize: number;
	/** Finished tasks and their files are deleted after this long. */
	taskTtlHours: number;
	/** Where tasks live: this process's queue over SQLite, or BullMQ on Redis with separate workers. */
	queue: 'embedded' | 'redis';
	redisUrl: string;
	/** Uploads waiting for their task; with QUEUE=redis, a folder every API node and worker shares. */
	uploadDir: string;
	/** QUEUE=redis: tries per task when its worker fails or stops. */
	jobAttempts: number;
	/** QUEUE=redis: seconds a running job's lock lasts; a stopped worker's job is taken again after it. */
	jobLockSeconds: number;
	/** `npm run worker`: the port of its GET /metrics. */
	metricsPort: number;
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

/** An integer option's server-wide default (BEAM_SIZE), in the range its row allows. */
function optionSetting(
	env: Env,
	option: { serverSetting?: string; default: number; schema: { minimum?: number; maximum?: number } }
): number {
	const { serverSetting, schema } = option;
	if (!serverSetting) throw new Error('This option has no server setting.');
	return integer(env, serverSetting, option.default, schema.minimum ?? 0, schema.maximum ?? Number.MAX_SAFE_INTEGER);
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

/** Exact origins (scheme://host[:port]) or `*`; a path or a typo fails at startup. */
function origins(env: Env, name: string): string[] {
	const values = list(env, name);
	for (const value of values) {
		if (value === '*') continue;
		let origin: string | null = null;
		try {
			origin = new URL(value).origin;
		} catch {
			// reported below
		}
		if (origin !== value) throw new ConfigError(name, value, 'origins such as https://example.com, comma-separated, or *');
	}
	return values;
}

export function readConfig(env: Env = process.env): ServerConfig {
	const cacheDir = cacheDirFrom(env);
	const modelDir = path.resolve(env.MODEL_DIR || path.join(cacheDir, 'models'));
	const model = oneOf(env, 'MODEL', Object.keys(MODELS), 'base');
	return {
		model,
		device: oneOf(env, 'DEVICE', ['cpu', 'cuda'], 'cpu'),
		dtype: oneOf(env, 'DTYPE', ['', ...DTYPES], ''),
		dataDir: path.resolve(env.DATA_DIR || path.join(cacheDir, 'data')),
		apiKeys: list(env, 'API_KEYS'),
		pageFallback: oneOf(env, 'PAGE_FALLBACK', ['on', 'off'], 'off') === 'on',
		rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 10, 0, 1_000_000),
		keyRateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_KEY_PER_MINUTE', 60, 0, 1_000_000),
		maxUploadBytes: integer(env, 'MAX_UPLOAD_MB', 1024, 1, 1_000_000) * 1024 * 1024,
		maxUploadsPerClient: integer(env, 'MAX_UPLOADS_PER_CLIENT', 4, 1, 10_000),
		queueLimit: integer(env, 'QUEUE_LIMIT', 100, 1, 1_000_000),
		corsOrigins: origins(env, 'CORS_ORIGINS'),
		syncTimeoutSeconds: integer(env, 'SYNC_TIMEOUT_S', 600, 1, 86_400),
		concurrency: integer(env, 'JOB_CONCURRENCY', 1, 1, 64),
		beamSize: optionSetting(env, OPTION_FIELDS.beamSize),
		taskTtlHours: integer(env, 'TASK_TTL_HOURS', 24, 1, 24 * 365),
		queue: oneOf(env, 'QUEUE', ['embedded', 'redis'], 'embedded'),
		redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
		uploadDir: path.resolve(env.UPLOAD_DIR || path.join(env.DATA_DIR || path.join(cacheDir, 'data'), 'uploads')),
		jobAttempts: integer(env, 'JOB_ATTEMPTS', 3, 1, 100),
		jobLockSeconds: integer(env, 'JOB_LOCK_S', 30, 2, 3600),
		metricsPort: integer(env, 'METRICS_PORT', 9100, 1, 65535),
		port: integer(env, 'PORT', 9000, 1, 65535),
		host: env.HOST || '0.0.0.0',
		cacheDir,
		modelDir,
		hubCacheDir: path.join(modelDir, 'hub'),
		// Local models where models:prepare (or the operator) put the served one; the hub otherwise,
		// so a container started with an empty /models fetches its model on first start.
		modelSource: oneOf(env, 'MODEL_SOURCE', ['local', 'hub'], existsSync(path.join(modelDir, getModel(model).localName)) ? 'local' : 'hub')
	};
}

let current: ServerConfig | undefined;

/** The configuration of this process, read on first use. */
export function config(): ServerConfig {
	current ??= readConfig();
	return current;
}
