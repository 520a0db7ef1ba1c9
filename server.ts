/**
 * @file `npm start`: serves the built app and the HTTP API (build/, from `npm run build`) on PORT
 * (default 9000), with the headers of response-headers.ts on every response, static assets
 * included, which adapter-node's own entry point does not add.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { errorResponse, familyOf } from './src/lib/server/api/family.ts';
import { holdBody } from './src/lib/server/expect-continue.ts';
import { config } from './src/lib/server/config.ts';
import { stopUnlessWritable } from './src/lib/server/data-dir.ts';
import { apiError } from './src/lib/server/errors.ts';
import { stopUnlessCudaUsable } from './src/lib/server/gpu.ts';
import { RESPONSE_HEADERS } from './src/lib/server/response-headers.ts';
import { staticFiles } from './src/lib/server/static-files.ts';
import { dropUnreadBody } from './src/lib/server/unread-body.ts';

// The served model runs in a thread (model-thread.ts) whose entry is found from here.
process.env.KOE_MODEL_THREAD ??= fileURLToPath(new URL('./src/lib/server/model-thread-boot.mjs', import.meta.url));

const handlerPath = new URL('./build/handler.js', import.meta.url);
if (!existsSync(handlerPath)) {
	console.error('No build found. Run `npm run build` first, then `npm start`.');
	process.exit(1);
}

// Uploads are streamed to disk and capped by MAX_UPLOAD_MB in the API (413), not by
// adapter-node's 512 KB default body limit.
process.env.BODY_SIZE_LIMIT ??= 'Infinity';

const { dataDir, uploadDir, queue } = config();
stopUnlessWritable(
	queue === 'redis'
		? [['UPLOAD_DIR', uploadDir]]
		: [
				['DATA_DIR', dataDir],
				['UPLOAD_DIR', uploadDir]
			]
);

// An API node of the Redis backend runs no model, so needs no GPU: its workers check.
if (config().queue !== 'redis') stopUnlessCudaUsable(config().device);

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
const { handler } = (await import(handlerPath.href)) as { handler: NodeHandler };
const { port, host, modelSource, modelDir } = config();

// The page's files are served here, not by adapter-node's sirv (see static-files.ts).
const clientFiles = staticFiles(fileURLToPath(new URL('./build/client', import.meta.url)));

const server = createServer(serve);
// A client that waits for "100 Continue" before its upload gets it once the request has passed
// the API's checks (expect-continue.ts), not at once.
server.on('checkContinue', (req, res) => {
	holdBody(req, res);
	serve(req, res);
});

function serve(req: IncomingMessage, res: ServerResponse): void {
	dropUnreadBody(req, res);
	for (const [name, value] of Object.entries(RESPONSE_HEADERS)) res.setHeader(name, value);
	clientFiles(req, res, () =>
		handler(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		})
	);
}

/**
 * Node refuses a request line with raw non-ASCII bytes (curl sends `?initial_prompt=你好` as
 * typed) before any handler runs, and by default answers a bare 400 and resets the connection
 * mid-upload. Answer in the API's error shape instead, saying to URL-encode, and read the rest of
 * the upload so that the client gets to see the answer.
 */
server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
	if (error.code !== 'HPE_INVALID_URL' || !socket.writable) {
		socket.destroy();
		return;
	}
	const path = /^[A-Z]+ (\S+)/.exec(error.rawPacket?.toString('latin1') ?? '')?.[1] ?? '/';
	const response = errorResponse(familyOf(path) ?? 'asr', apiError('url_not_encoded'));
	void response.text().then((body) => {
		const headers = [...response.headers, ['content-length', String(Buffer.byteLength(body))], ['connection', 'close']];
		const head = [`HTTP/1.1 ${response.status} Bad Request`, ...headers.map(([name, value]) => `${name}: ${value}`)].join('\r\n');
		socket.on('data', () => {}); // discarded
		socket.end(`${head}\r\n\r\n${body}`);
		setTimeout(() => socket.destroy(), 30_000).unref();
	});
});

server.listen(port, host, () => {
	const models = modelSource === 'local' ? `local models from ${modelDir}` : 'models from the Hugging Face hub';
	console.log(`Koe is listening on http://localhost:${port} (${models})`);
	// The API decodes uploads with the system's ffmpeg; the page works without it (it has its own).
	if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).error) {
		console.error(
			'ffmpeg was not found on PATH: the HTTP API cannot decode uploads until it is installed (Debian/Ubuntu: apt-get install ffmpeg).'
		);
	}
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => server.close(() => process.exit(0)));
}
