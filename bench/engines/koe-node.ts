/**
 * @file Koe's server path for the comparison: the same engine the server runs (transformers.js
 * on onnxruntime-node, our decoding loop), with the system's ffmpeg decoding the media. The
 * time of a file covers decoding and transcription; the model load is timed apart.
 */
import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getModel, loadModel, transcribe, useModelSource, type Dtype } from '../../src/lib/engine';
import { cacheDirFrom } from '../../src/lib/server/config';
import { decodeFile } from '../../src/lib/server/media';
import { nodeOrt } from '../../src/lib/server/onnxruntime';
import { EVENT_PREFIX, type EngineEvent, type EngineJob } from './protocol';

const job = JSON.parse(process.argv[2]!) as EngineJob;
const emit = (event: EngineEvent) => console.log(EVENT_PREFIX + JSON.stringify(event));
const source = { kind: 'local', root: path.join(cacheDirFrom(process.env), 'models') } as const;
useModelSource(source);
const model = getModel(job.model);
const dtype = job.dtype as Dtype;

let started = performance.now();
const loaded = await loadModel({
	model,
	device: 'cpu',
	source,
	dtypes: { encoder_model: dtype, decoder_model_merged: dtype },
	threads: job.threads,
	...(job.decoder === 'merged' ? {} : { ort: nodeOrt })
});
if (job.decoder !== 'merged' && !loaded.fixedCache) throw new Error(`${job.model} ${dtype} has no fixed-capacity decoder here.`);

// Collections per file, by kind: what the decoder's allocations cost V8.
const gc = { minor: 0, major: 0 };
new PerformanceObserver((list) => {
	for (const entry of list.getEntries()) {
		const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
		if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
		else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
	}
}).observe({ entryTypes: ['gc'] });
emit({ event: 'loaded', seconds: (performance.now() - started) / 1000 });

for (const file of job.files) {
	emit({ event: 'start', path: file.path });
	started = performance.now();
	gc.minor = gc.major = 0;
	const audio = await decodeFile(file.path);
	// No VAD: faster-whisper's vad_filter is off by default, and the comparison is of decoding.
	const result = await transcribe(loaded, audio, {
		language: model.multilingual ? file.language : undefined,
		beamSize: job.beamSize,
		vadFilter: false
	});
	const seconds = (performance.now() - started) / 1000;
	// Observer entries arrive on a later tick: let them in before reading the counts.
	await new Promise((resolve) => setImmediate(resolve));
	emit({ event: 'done', path: file.path, seconds, text: result.text, gc: { ...gc } });
}
await loaded.pipe.dispose();
