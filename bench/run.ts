/** @file `npm run bench`: side-by-side benchmarks arrive with issue D. */
console.log('npm run bench: not yet. Benchmarks against faster-whisper come with issue D.');
