/**
 * @file The thread the served model runs in (model-thread.ts starts it). onnxruntime-node runs a
 * graph synchronously on the thread that calls it: here, not on the server's event loop, which
 * stays free to answer /health, refusals and polls while an encoder runs for seconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ServerConfig } from './config';
import { storedError } from './errors';
import { ServedModel } from './served-model';
import type { FromThread, ToThread } from './model-thread';

const port = parentPort!;
const send = (message: FromThread, transfer: Transferable[] = []) => port.postMessage(message, transfer as never);

// Each change of state (a download's progress, ready, failed) goes to the server as it happens.
const model = new ServedModel(workerData as ServerConfig, (state) => send({ type: 'state', state }));

const running = new Map<number, AbortController>();

port.on('message', async (message: ToThread) => {
	if (message.type === 'abort') {
		running.get(message.id)?.abort();
		return;
	}
	const controller = new AbortController();
	running.set(message.id, controller);
	try {
		const result =
			message.type === 'transcribe'
				? await model.transcribe(
						message.audio,
						message.options,
						(progress) => send({ type: 'progress', id: message.id, progress }),
						controller.signal
					)
				: await model.detectLanguage(message.samples, controller.signal);
		send({ type: 'result', id: message.id, result });
	} catch (error) {
		send({ type: 'error', id: message.id, error: storedError(error), aborted: controller.signal.aborted });
	} finally {
		running.delete(message.id);
	}
});
