/**
 * @file The served model, run in a thread of its own (model-thread-entry.ts), behind the same
 * calls as ServedModel: the server's event loop never waits on onnxruntime, whose runs are
 * synchronous (seconds per encoder window on a CPU). Samples go to the thread without a copy, a
 * media file by its path (the thread decodes it a few minutes at a time);
 * failures come back as the API's coded errors.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TranscribeOptions } from '../core/options';
import type { Transcript } from '../core/transcript';
import type { LanguageDetection, TranscribeProgress } from '../engine';
import type { ServerConfig } from './config';
import { fromStored, type StoredError } from './errors';
import type { AudioInput, ModelRunner, ModelState } from './served-model';

export type ToThread =
	| { type: 'transcribe'; id: number; audio: AudioInput; options: TranscribeOptions }
	| { type: 'detect-language'; id: number; samples: Float32Array }
	| { type: 'abort'; id: number };

export type FromThread =
	| { type: 'state'; state: ModelState }
	| { type: 'progress'; id: number; progress: TranscribeProgress }
	| { type: 'result'; id: number; result: unknown }
	| { type: 'error'; id: number; error: StoredError; aborted: boolean };

interface Call {
	resolve: (result: unknown) => void;
	reject: (error: unknown) => void;
	onProgress?: (progress: TranscribeProgress) => void;
	signal?: AbortSignal;
}

/**
 * The thread's entry (model-thread-boot.mjs, which runs model-thread-entry.ts). Bundled server code cannot name it relative to itself, so it is found from
 * the app's folder (npm start's and the image's working directory), or KOE_MODEL_THREAD.
 */
export function threadEntry(env: Record<string, string | undefined> = process.env): string {
	const entry = path.resolve(env.KOE_MODEL_THREAD || path.join('src', 'lib', 'server', 'model-thread-boot.mjs'));
	if (!existsSync(entry))
		throw new Error(`The model thread's entry ${entry} is missing: start Koe from its folder, or set KOE_MODEL_THREAD.`);
	return entry;
}

export class ModelThread implements ModelRunner {
	state: ModelState;
	readonly modelId: string;
	readonly ready: Promise<void>;
	readonly #worker: Worker;
	readonly #calls = new Map<number, Call>();
	#nextId = 1;
	#closing = false;

	constructor(config: ServerConfig) {
		this.modelId = config.model;
		this.state = { status: 'loading', message: `Loading ${config.model} (${config.device}).` };
		this.#worker = new Worker(threadEntry(), { workerData: config });
		let settle!: { resolve: () => void; reject: (error: Error) => void };
		this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
		this.ready.catch(() => {}); // callers look at state, or await ready themselves
		this.#worker.on('message', (message: FromThread) => {
			if (message.type === 'state') {
				this.state = message.state;
				if (message.state.status === 'ready') settle.resolve();
				if (message.state.status === 'failed') settle.reject(new Error(message.state.message));
				return;
			}
			const call = this.#calls.get(message.id);
			if (!call) return;
			if (message.type === 'progress') {
				call.onProgress?.(message.progress);
				return;
			}
			this.#calls.delete(message.id);
			if (message.type === 'result') call.resolve(message.result);
			// Cancelled: the caller's reason, as a call on the same thread would have thrown.
			else if (message.aborted && call.signal?.aborted) call.reject(call.signal.reason);
			else call.reject(fromStored(message.error));
		});
		// The thread died (out of memory, a native crash): every call and the model fail with why.
		this.#worker.on('error', (error) => this.#fail(error.message));
		this.#worker.on('exit', (code) => this.#fail(`the model thread stopped (exit code ${code}).`));
	}

	#fail(reason: string): void {
		if (this.state.status !== 'failed' && !this.#closing) {
			this.state = { status: 'failed', message: reason };
			console.error(`Koe: the model ${this.modelId} is unavailable: ${reason}`);
		}
		for (const call of this.#calls.values()) call.reject(new Error(reason));
		this.#calls.clear();
	}

	#call<T>(message: ToThread, signal?: AbortSignal, onProgress?: (progress: TranscribeProgress) => void): Promise<T> {
		if (signal?.aborted) return Promise.reject(signal.reason);
		if (this.state.status === 'failed') return Promise.reject(new Error(this.state.message));
		return new Promise<T>((resolve, reject) => {
			this.#calls.set(message.id, { resolve: resolve as (result: unknown) => void, reject, onProgress, signal });
			signal?.addEventListener('abort', () => this.#worker.postMessage({ type: 'abort', id: message.id } satisfies ToThread), {
				once: true
			});
			const samples = message.type === 'transcribe' ? message.audio : message.type === 'detect-language' ? message.samples : null;
			const transfer = samples instanceof Float32Array ? [samples.buffer as ArrayBuffer] : [];
			this.#worker.postMessage(message, transfer);
		});
	}

	async transcribe(
		audio: AudioInput,
		options: TranscribeOptions,
		onProgress?: (progress: TranscribeProgress) => void,
		signal?: AbortSignal
	): Promise<Transcript> {
		return this.#call({ type: 'transcribe', id: this.#nextId++, audio, options }, signal, onProgress);
	}

	/** The language of the first 30 s. */
	async detectLanguage(samples: Float32Array, signal?: AbortSignal): Promise<LanguageDetection> {
		return this.#call({ type: 'detect-language', id: this.#nextId++, samples }, signal);
	}

	/** Ends the thread (tests, and a worker process that stops). */
	async close(): Promise<void> {
		this.#closing = true;
		await this.#worker.terminate();
	}
}
