/**
 * @file `npm run build`'s last step: Brotli and gzip copies of the page's files (build/client),
 * which `npm start` sends to browsers that accept them (src/lib/server/static-files.ts).
 *
 * adapter-node can write them too, but at Brotli's best quality it spends minutes on the three
 * large WebAssembly files (ffmpeg, onnxruntime) on every build, though they seldom change. Here
 * each compressed copy is kept in KOE_CACHE/precompress under the SHA-256 of its content, so a
 * rebuild compresses only what changed, at the same best quality.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { cacheDirFrom } from '../src/lib/server/config.ts';

/** What compresses well; images and media are compressed already. */
const COMPRESSIBLE = /\.(html|js|mjs|json|css|svg|xml|wasm|webmanifest|txt|map)$/;
/** Smaller files gain nothing worth a second request header. */
const MIN_BYTES = 1024;

const FORMATS = {
	br: (data: Buffer) =>
		promisify(brotliCompress)(data, {
			params: {
				[constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
				[constants.BROTLI_PARAM_SIZE_HINT]: data.length
			}
		}),
	gz: (data: Buffer) => promisify(gzip)(data, { level: constants.Z_BEST_COMPRESSION })
} as const;

function filesUnder(folder: string): string[] {
	return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(folder, entry.name);
		return entry.isDirectory() ? filesUnder(full) : [full];
	});
}

async function main(): Promise<void> {
	const root = path.resolve('build', 'client');
	const cache = path.join(cacheDirFrom(process.env), 'precompress');
	mkdirSync(cache, { recursive: true });
	const files = filesUnder(root).filter((file) => COMPRESSIBLE.test(file) && statSync(file).size >= MIN_BYTES);
	const started = Date.now();
	let compressed = 0;
	const work = files.flatMap((file) => (Object.keys(FORMATS) as Array<keyof typeof FORMATS>).map((format) => ({ file, format })));
	const next = async (): Promise<void> => {
		for (let item = work.shift(); item; item = work.shift()) {
			const data = readFileSync(item.file);
			const cached = path.join(cache, `${createHash('sha256').update(data).digest('hex')}.${item.format}`);
			if (!existsSync(cached)) {
				// Written aside and renamed: a build stopped midway leaves no truncated copy in the cache.
				writeFileSync(`${cached}.partial`, await FORMATS[item.format](data));
				renameSync(`${cached}.partial`, cached);
				compressed++;
			}
			copyFileSync(cached, `${item.file}.${item.format}`);
		}
	};
	await Promise.all(Array.from({ length: availableParallelism() }, next));
	console.log(
		`[precompress] ${files.length} files in build/client: ${compressed} copies made, the rest from ${cache} (${((Date.now() - started) / 1000).toFixed(1)} s)`
	);
}

await main();
