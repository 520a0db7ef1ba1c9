/**
 * @file `npm run bench -- wer`: word error rate of every eval recording with the local models,
 * through the same engine the browser runs (here on onnxruntime-node, q8 like the browser's
 * WASM path). Chinese and Japanese are scored by characters, as shared/eval-audio/README.md says.
 */
import path from 'node:path';
import { UNSPACED_LANGUAGES } from '../src/lib/core/languages';
import { getModel, loadModel, transcribe, useModelSource } from '../src/lib/engine';
import { cacheDirFrom } from '../src/lib/server/config';
import { decodeFile } from '../src/lib/server/media';
import { nodeOrt } from '../src/lib/server/onnxruntime';
import { evalAudioPath, readManifest } from '../tests/support/eval-audio';
import { characterErrorRate, wordErrorRate } from '../tests/support/wer';
import { describeMachine, today } from './machine';

const source = { kind: 'local', root: path.join(cacheDirFrom(process.env), 'models') } as const;
useModelSource(source);

console.log(`Machine: ${describeMachine()}; ${today()}; dtype q8, greedy`);
console.log('| recording | model | metric | error rate | seconds | transcript |\n|---|---|---|---|---|---|');
for (const modelId of ['tiny.en', 'base']) {
	const model = getModel(modelId);
	const loaded = await loadModel({ model, device: 'cpu', source, ort: nodeOrt });
	for (const entry of readManifest()) {
		if (entry.file === 'en_stereo_two_speakers.wav') continue; // two voices at once: a stereo test, not a WER item
		if (!model.multilingual && entry.language !== 'en') continue;
		const audio = await decodeFile(await evalAudioPath(entry.file));
		const started = performance.now();
		const result = await transcribe(loaded, audio, { vadFilter: false, ...(model.multilingual ? { language: entry.language } : {}) });
		const seconds = (performance.now() - started) / 1000;
		const byChars = UNSPACED_LANGUAGES.has(entry.language);
		const rate = byChars ? characterErrorRate(entry.reference, result.text) : wordErrorRate(entry.reference, result.text);
		console.log(
			`| ${entry.file} | ${modelId} | ${byChars ? 'CER' : 'WER'} | ${(rate * 100).toFixed(1)}% | ${seconds.toFixed(1)} | ${result.text.trim().slice(0, 60)}… |`
		);
	}
	await loaded.pipe.dispose();
}
