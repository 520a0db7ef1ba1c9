/**
 * @file `Expect: 100-continue`. curl (for bodies over a megabyte) and .NET's HttpClient send it and
 * hold the body back until the server answers "100 Continue". Node answers it at once, so a
 * request that was then refused for its key or its rate (401, 429) had been uploaded whole, only
 * to be thrown away. Here the body is let come once the request has passed those checks; a
 * refused request is answered while its body is still on the client's side.
 *
 * server.ts holds the body back and hooks.server.ts lets it come. They are separate bundles (the
 * hooks are built by SvelteKit), so the link rides on the request under a registered symbol.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const HELD = Symbol.for('koe.heldBody');

interface HeldBody {
	/** "100 Continue" has been sent: the body is on its way. */
	sent: boolean;
	letCome(): void;
}

type WithHeldBody = IncomingMessage & { [HELD]?: HeldBody };

/** For Node's `checkContinue` event: the request's body waits until letBodyCome. */
export function holdBody(req: IncomingMessage, res: ServerResponse): void {
	(req as WithHeldBody)[HELD] = {
		sent: false,
		letCome() {
			if (this.sent) return;
			this.sent = true;
			res.writeContinue();
		}
	};
}

/** Lets a held body come (nothing for a request that did not ask to wait). */
export function letBodyCome(req: IncomingMessage | undefined): void {
	(req as WithHeldBody | undefined)?.[HELD]?.letCome();
}

/** The client still holds the body back: there is nothing to read, and the connection cannot serve another request. */
export function bodyHeldBack(req: IncomingMessage | undefined): boolean {
	const held = (req as WithHeldBody | undefined)?.[HELD];
	return held !== undefined && !held.sent;
}
