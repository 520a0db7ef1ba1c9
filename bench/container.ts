/**
 * @file `npm run bench -- container`: the image's size per flavour (those built; `cpu` is built
 * if missing), and the CPU image's cold start: from `podman run` to the first transcript of JFK
 * with tiny.en mounted, three times (each with a fresh container and volume). Prints Markdown.
 */
import { readFileSync } from 'node:fs';
import { buildImage, imageSizeBytes, podman, podmanMissing, runContainer } from '../tests/support/container';
import { evalAudioPath } from '../tests/support/eval-audio';
import { formWith } from '../tests/support/server';
import { describeMachine, today } from './machine';

const missing = podmanMissing();
if (missing) {
	console.error(missing);
	process.exit(1);
}
console.log(`Machine: ${describeMachine()}; podman ${podman('--version').replace(/^podman version /, '')}; ${today()}`);
const cpu = buildImage('cpu');
console.log('\n| image | size (MB) |\n|---|---|');
for (const image of [cpu, 'koe:cuda']) {
	const built = (() => {
		try {
			return imageSizeBytes(image);
		} catch {
			return null;
		}
	})();
	if (built !== null) console.log(`| ${image} | ${(built / 1e6).toFixed(0)} |`);
}

const jfk = readFileSync(await evalAudioPath('en_jfk.wav'));
console.log('\n| run | model ready (s) | first transcript of JFK (s) |\n|---|---|---|');
for (let run = 1; run <= 3; run++) {
	const started = performance.now();
	const container = await runContainer(cpu);
	try {
		await container.ready();
		const ready = (performance.now() - started) / 1000;
		const response = await fetch(`${container.url}/asr?output=txt`, {
			method: 'POST',
			body: formWith('audio_file', { name: 'jfk.wav', bytes: jfk })
		});
		if (response.status !== 200) throw new Error(`POST /asr: ${response.status} ${await response.text()}`);
		await response.text();
		console.log(`| ${run} | ${ready.toFixed(1)} | ${((performance.now() - started) / 1000).toFixed(1)} |`);
	} finally {
		container.remove();
	}
}
