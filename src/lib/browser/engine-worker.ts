/**
 * @file The page's one handle on the transcription worker (the only module that calls comlink's
 * `wrap`): start it, load a model, transcribe lazily read audio, cancel. A failed call gets a fresh
 * worker next time (and, when the model's files were at fault, a fresh download); a worker that
 * dies or throws outside a call fails the call it was running instead of leaving it waiting.
 */
import * as Comlink from 'comlink';
import type { ProgressInfo } from '@huggingface/transformers';
import type { TranscribeOptions } from '$lib/core/options';
import type { Transcript } from '$lib/core/transcript';
import type { EngineDevice, ModelEntry } from '$lib/engine/models';
import type { ModelSource } from '$lib/engine/model-source';
import type { TranscribeProgress } from '$lib/engine/transcribe';
import type { LiveLine } from '$lib/engine/live';
import type { EngineApi } from '$workers/transcribe.worker';
import { recovery, workerLost, type EngineFailure } from './failures';
import { evictModel } from './model-size';
import { wasmBuild, type WasmBuild } from './wasm-runtime';

/** Reads `count` samples from `start` of the media being transcribed. */
export type ReadSamples = (start: number, count: number) => Promise<Float32Array>;

/** One running worker, and the promise that rejects when it is lost. */
interface Connection {
	engine: Comlink.Remote<EngineApi>;
	worker: Worker;
	lost: Promise<never>;
	/** Stops watching for the worker's end (before the page ends it itself). */
	unwatch: AbortController;
	/** The onnxruntime-web build the worker's first load started, for the worker's lifetime. */
	build?: WasmBuild;
}

export class EngineWorker {
	#connection: Connection | undefined;

	async load(model: ModelEntry, device: EngineDevice, source: ModelSource, onProgress: (info: ProgressInfo) => void): Promise<void> {
		// A worker keeps the onnxruntime-web build its first model started; another device may need another.
		const build = wasmBuild(device);
		if (this.#connection?.build && this.#connection.build !== build) this.#disconnect();
		this.#connect().build ??= build;
		try {
			await this.#call((engine) => engine.load(model.id, device, source, Comlink.proxy(onProgress)));
		} catch (error) {
			const { restart, evict } = recovery(error, 'load');
			if (restart) this.#disconnect();
			if (evict) await evictModel(model, source);
			throw error;
		}
	}

	/** Transcribes `length` samples read through `read`; the samples' buffers move to the worker. */
	async transcribe(
		length: number,
		read: ReadSamples,
		options: TranscribeOptions,
		onProgress: (progress: TranscribeProgress) => void
	): Promise<Transcript> {
		const transfer = async (start: number, count: number) => {
			const samples = await read(start, count);
			return Comlink.transfer(samples, [samples.buffer]);
		};
		try {
			return await this.#call((engine) => engine.transcribe(length, Comlink.proxy(transfer), options, Comlink.proxy(onProgress)));
		} catch (error) {
			if (recovery(error, 'transcribe').restart) this.#disconnect();
			throw error;
		}
	}

	/** Starts live captions with the loaded model; each line comes through `onLine`. */
	async liveStart(options: TranscribeOptions, onLine: (line: LiveLine) => void): Promise<void> {
		await this.#call((engine) => engine.liveStart(options, Comlink.proxy(onLine)));
	}

	/** The microphone's next samples, heard at `heardAt` (ms since the epoch); their buffer moves to the worker. */
	async liveFeed(samples: Float32Array, heardAt: number): Promise<void> {
		await this.#call((engine) => engine.liveFeed(Comlink.transfer(samples, [samples.buffer]), heardAt));
	}

	async liveStop(): Promise<void> {
		if (this.#connection) await this.#call((engine) => engine.liveStop());
	}

	/** The worker stops the running transcription at its next decoder step. */
	cancel(): void {
		void this.#connection?.engine.cancel();
	}

	/** A call to the worker that fails, instead of waiting forever, if the worker is lost meanwhile. */
	#call<T>(call: (engine: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
		const { engine, lost } = this.#connect();
		return Promise.race([call(engine), lost]);
	}

	#connect(): Connection {
		if (this.#connection) return this.#connection;
		const worker = new Worker(new URL('../../../workers/transcribe.worker.ts', import.meta.url), { type: 'module' });
		const engine = Comlink.wrap<EngineApi>(worker);
		let lose: (failure: EngineFailure) => void = () => {};
		const lost = new Promise<never>((_, reject) => (lose = reject));
		lost.catch(() => {}); // rejected with no call waiting: nothing to report
		const unwatch = new AbortController();
		const connection: Connection = { engine, worker, lost, unwatch };
		const end = (reason?: string) => {
			if (this.#connection !== connection) return;
			lose(workerLost(reason));
			this.#disconnect();
		};
		// An error thrown in the worker outside any call (an onnxruntime thread that aborted, a
		// script that did not load) leaves the call it belongs to waiting forever.
		worker.addEventListener('error', (event) => end((event as ErrorEvent).message));
		void watchForEnd(engine, unwatch.signal).then((ended) => ended && end());
		this.#connection = connection;
		return connection;
	}

	/** Ends the worker; the next call starts a fresh one. */
	#disconnect(): void {
		const connection = this.#connection;
		this.#connection = undefined;
		if (!connection) return;
		connection.unwatch.abort();
		connection.engine[Comlink.releaseProxy]();
		connection.worker.terminate();
	}
}

/**
 * Resolves true when the worker has ended without the page ending it: the browser stops a worker
 * that runs out of memory without an event, so the page waits for the Web Lock the worker holds
 * for as long as it lives. Resolves false where there are no Web Locks or the watch is called off.
 */
async function watchForEnd(engine: Comlink.Remote<EngineApi>, signal: AbortSignal): Promise<boolean> {
	const name = `koe-engine-${crypto.randomUUID()}`;
	try {
		if (!navigator.locks || !(await engine.holdLock(name))) return false;
		return await navigator.locks.request(name, { signal }, () => !signal.aborted);
	} catch {
		return false; // called off, or the worker ended before it took its lock (the error event says so)
	}
}
