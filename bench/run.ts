/**
 * @file `npm run bench [name]`: runs a benchmark script from bench/. Benchmarks print numbers;
 * they are not tests. The side-by-side comparison with faster-whisper comes with issue D.
 */
const benches: Record<string, string> = {
	'long-media': './long-media.ts',
	wer: './wer.ts',
	server: './server.ts'
};
const benchName = process.argv[2] ?? 'long-media';
const script = benches[benchName];
if (!script) {
	console.error(`Unknown benchmark "${benchName}". Available: ${Object.keys(benches).join(', ')}.`);
	process.exit(2);
}
process.argv.splice(2, 1);
await import(script);
export {};
