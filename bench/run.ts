/**
 * @file `npm run bench [name]`: runs a benchmark script from bench/. Benchmarks print numbers;
 * they are not tests. Without a name it runs the comparison with faster-whisper (compare.ts).
 */
const benches: Record<string, string> = {
	compare: './compare.ts',
	'long-media': './long-media.ts',
	wer: './wer.ts',
	server: './server.ts',
	container: './container.ts',
	cluster: './cluster.ts',
	load: './load.ts',
	subtitles: './subtitles.ts',
	batch: './batch.ts',
	'long-upload': './long-upload.ts'
};
const benchName = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'compare';
if (process.argv[2] === benchName) process.argv.splice(2, 1);
const script = benches[benchName];
if (!script) {
	console.error(`Unknown benchmark "${benchName}". Available: ${Object.keys(benches).join(', ')}.`);
	process.exit(2);
}
await import(script);
export {};
