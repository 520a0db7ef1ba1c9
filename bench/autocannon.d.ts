/**
 * @file The part of autocannon 8's API that bench/load.ts uses (the package ships no types, and
 * @types/autocannon is not a dependency). See node_modules/autocannon/README.md.
 */
declare module 'autocannon' {
	import type { EventEmitter } from 'node:events';

	export interface Request {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: string | Buffer;
		/** Called with each answer to this request, before the instance's `response` event. */
		onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
	}

	export interface Options {
		url: string;
		connections?: number;
		/** Seconds. */
		duration?: number;
		/** Seconds a request may wait for its answer; past it, a timeout (the connection is remade). */
		timeout?: number;
		requests?: Request[];
	}

	export interface Histogram {
		min: number;
		max: number;
		average: number;
		p50: number;
		p99: number;
	}

	export interface Result {
		duration: number;
		errors: number;
		timeouts: number;
		mismatches: number;
		resets: number;
		non2xx: number;
		statusCodeStats: Record<string, { count: number }>;
		latency: Histogram;
		requests: Histogram & { sent: number };
	}

	export interface Instance extends EventEmitter {
		stop(): void;
		on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): this;
		on(event: 'reqError', listener: (error: Error) => void): this;
		on(event: 'done', listener: (result: Result) => void): this;
	}

	function autocannon(options: Options, done?: (error: Error | null, result: Result) => void): Instance & PromiseLike<Result>;
	export default autocannon;
}
