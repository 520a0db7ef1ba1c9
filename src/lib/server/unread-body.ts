/**
 * @file What happens to a request body that the answer did not need (a refusal sent while the
 * client is still uploading). Closing the connection then makes most clients (undici's fetch,
 * Python's requests) fail on a write error before they read the answer, so the refusal is lost.
 * Instead the rest of the body is read and dropped, as nginx's lingering close does, up to a limit
 * of bytes and time past which the connection is closed after all.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface LingerLimits {
	/** Bytes read and dropped after the answer before the connection is closed. */
	maxBytes: number;
	/** Time allowed for them. */
	maxMs: number;
}

export const DEFAULT_LINGER: LingerLimits = { maxBytes: 64 * 1024 * 1024, maxMs: 30_000 };

/** Once the response is sent, drops what is left of the request body (within the limits). */
export function dropUnreadBody(req: IncomingMessage, res: ServerResponse, { maxBytes, maxMs }: LingerLimits = DEFAULT_LINGER): void {
	res.once('finish', () => {
		if (req.complete || req.destroyed) return;
		// adapter-node's body stream listens for data and paused the request when nobody read it:
		// its listener would keep queueing what is only to be dropped.
		req.removeAllListeners('data');
		let left = maxBytes;
		const timer = setTimeout(() => req.socket.destroy(), maxMs).unref();
		req.on('data', (chunk: Buffer) => {
			left -= chunk.length;
			if (left < 0) req.socket.destroy();
		});
		const stop = () => {
			clearTimeout(timer);
			req.socket.off('close', stop); // a kept-alive socket serves many requests
		};
		req.once('end', stop);
		req.socket.once('close', stop);
		req.resume();
	});
}
