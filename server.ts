/**
 * @file `npm start`: serves the built app and the HTTP API (build/, from `npm run build`) on PORT
 * (default 9000), with the cross-origin isolation headers on every response, static assets
 * included, which adapter-node's own entry point does not add.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { config } from './src/lib/server/config.ts';
import { ISOLATION_HEADERS } from './src/lib/server/isolation.ts';

const handlerPath = new URL('./build/handler.js', import.meta.url);
if (!existsSync(handlerPath)) {
	console.error('No build found. Run `npm run build` first, then `npm start`.');
	process.exit(1);
}

// Uploads are streamed to disk and capped by MAX_UPLOAD_MB in the API (413), not by
// adapter-node's 512 KB default body limit.
process.env.BODY_SIZE_LIMIT ??= 'Infinity';

type NodeHandler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
const { handler } = (await import(handlerPath.href)) as { handler: NodeHandler };
const { port, host, modelSource, modelDir } = config();

const server = createServer((req, res) => {
	for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
	handler(req, res, () => {
		res.statusCode = 404;
		res.end('Not found');
	});
});

server.listen(port, host, () => {
	const models = modelSource === 'local' ? `local models from ${modelDir}` : 'models from the Hugging Face hub';
	console.log(`Koe is listening on http://localhost:${port} (${models})`);
	// The API decodes uploads with the system's ffmpeg; the page works without it (it has its own).
	if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).error) {
		console.error('ffmpeg was not found on PATH: the HTTP API cannot decode uploads until it is installed (Debian/Ubuntu: apt-get install ffmpeg).');
	}
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => server.close(() => process.exit(0)));
}
