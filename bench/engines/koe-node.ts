/**
 * @file Koe's server path for the comparison: the same engine the server runs (transformers.js
 * on onnxruntime-node, our decoding loop), with the system's ffmpeg decoding the media. The
 * time of a file covers decoding and transcription; the model load is timed apart.
 */
import path from 'node:path';
import { getModel, loadModel, transcribe, useModelSource, type Dtype } from '../../src/lib/engine';
import { cacheDirFrom } from '../../src/lib/server/config';
import { decodeFile } from '../../src/lib/server/media';
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
	threads: job.threads
});
emit({ event: 'loaded', seconds: (performance.now() - started) / 1000 });

for (const file of job.files) {
	emit({ event: 'start', path: file.path });
	started = performance.now();
	const audio = await decodeFile(file.path);
	// No VAD: faster-whisper's vad_filter is off by default, and the comparison is of decoding.
	const result = await transcribe(loaded, audio, {
		language: model.multilingual ? file.language : undefined,
		beamSize: job.beamSize,
		vadFilter: false
	});
	emit({ event: 'done', path: file.path, seconds: (performance.now() - started) / 1000, text: result.text });
}
await loaded.pipe.dispose();
