// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		/** adapter-node's: the request as Node received it (its socket says when the client hangs up). */
		interface Platform {
			req?: import('node:http').IncomingMessage;
		}
	}
}

export {};
