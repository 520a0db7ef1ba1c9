import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dropUnreadBody, type LingerLimits } from '$lib/server/unread-body';

/** A server that refuses every upload at once, reading nothing, as a refusal by declared size does. */
async function refusingServer(limits?: LingerLimits): Promise<{ url: string; server: Server; closed: IncomingMessage[] }> {
	const closed: IncomingMessage[] = [];
	const server = createServer((req, res) => {
		dropUnreadBody(req, res, limits);
		// What adapter-node's body stream does with a body nobody reads: listens, then pauses.
		req.on('data', () => req.pause());
		req.socket.once('close', () => closed.push(req));
		res.writeHead(413, { 'content-type': 'application/json' }).end('{"message":"too large"}');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, closed };
}

describe('a body left unread by the answer', () => {
	let server: Server | undefined;
	afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

	it('is read and dropped, so that the client gets the refusal on every try, on one kept-alive connection', async () => {
		const refusing = await refusingServer();
		server = refusing.server;
		for (let attempt = 0; attempt < 8; attempt++) {
			const response = await fetch(refusing.url, { method: 'POST', body: new Uint8Array(3 * 1024 * 1024) });
			expect(response.status).toBe(413);
			expect(await response.json()).toEqual({ message: 'too large' });
		}
	});

	it('past its byte limit closes the connection rather than read on', async () => {
		const refusing = await refusingServer({ maxBytes: 256 * 1024, maxMs: 30_000 });
		server = refusing.server;
		// The client may or may not read the answer before its write fails; the server must not read 64 MB.
		await fetch(refusing.url, { method: 'POST', body: new Uint8Array(64 * 1024 * 1024) }).catch(() => undefined);
		await expect.poll(() => refusing.closed.length).toBe(1);
		expect(refusing.closed[0]!.complete).toBe(false);
	});
});
