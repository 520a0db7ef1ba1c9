/**
 * @file Preloaded into the server by bench/load.ts (NODE_OPTIONS=--import): writes to stderr each
 * stretch of over 100 ms in which the server's event loop could not turn (nothing is answered
 * then, GET /health included), and each onnxruntime-node run over 100 ms, named by its first
 * input (`input_features`: the encoder; `input_ids`: a decoder step) and with the CPU time the
 * process used meanwhile (all of onnxruntime's threads). onnxruntime-node's
 * InferenceSession.run calls the native run synchronously on the main thread, so a long run is
 * a stall. Measuring only: where the patch does not apply (another onnxruntime-node), the
 * stalls are still reported.
 */
import { createRequire } from 'node:module';

const LONG_MS = 100;
const TICK_MS = 20;

let last = performance.now();
setInterval(() => {
	const now = performance.now();
	const late = now - last - TICK_MS;
	if (late > LONG_MS) process.stderr.write(`koe-load stall - ${late.toFixed(0)}\n`);
	last = now;
}, TICK_MS).unref();

try {
	const { binding } = createRequire(import.meta.url)('onnxruntime-node/dist/binding');
	const Session = binding.InferenceSession;
	binding.InferenceSession = class extends Session {
		run(feeds, ...rest) {
			const started = performance.now();
			const cpu = process.cpuUsage();
			try {
				return super.run(feeds, ...rest);
			} finally {
				const ms = performance.now() - started;
				const { user, system } = process.cpuUsage(cpu);
				if (ms > LONG_MS)
					process.stderr.write(`koe-load ort ${Object.keys(feeds)[0]} ${ms.toFixed(0)} ${((user + system) / 1000).toFixed(0)}\n`);
			}
		}
	};
} catch (error) {
	process.stderr.write(`koe-load: onnxruntime runs not timed (${error instanceof Error ? error.message : error})\n`);
}
