/**
 * @file `npm run bench -- long-upload [minutes]`: the server's peak memory and time for one long
 * upload (default 180 minutes: the guide's 3-hour lecture, as 32 kb/s Opus) with tiny.en, sent to
 * POST /asr/async and polled. The server reads it a few minutes at a time; before, it decoded the
 * whole upload into one array (2.4 GB peak for 3 hours, measured 2026-12-01). Needs `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { finishedTask, formWith, startServer } from '../tests/support/server';
import { describeMachine, processMemoryMb, today } from './machine';
import { makeLongFile } from './speech';

const minutes = Number(process.argv[2] ?? 180);
const mp3 = await makeLongFile(minutes);
const opus = mp3.replace(/\.mp3$/, '.opus');
execFileSync('ffmpeg', ['-v', 'error', '-i', mp3, '-c:a', 'libopus', '-b:a', '32k', '-y', opus]);

const server = await startServer({ MODEL: 'tiny.en' });
try {
	const started = performance.now();
	const response = await fetch(`${server.url}/asr/async?output=txt`, {
		method: 'POST',
		body: formWith('audio_file', { name: `lecture-${minutes}min.opus`, bytes: readFileSync(opus) })
	});
	if (response.status !== 202) throw new Error(`POST /asr/async answered ${response.status}: ${await response.text()}`);
	const { task_id: id } = (await response.json()) as { task_id: string };
	let peak = 0;
	const sampler = setInterval(() => (peak = Math.max(peak, processMemoryMb(server.pid, 'VmHWM'))), 1000);
	const task = (await finishedTask(server.url, id, 2000)) as { status: string };
	clearInterval(sampler);
	peak = Math.max(peak, processMemoryMb(server.pid, 'VmHWM'));
	const seconds = (performance.now() - started) / 1000;
	console.log(`Machine: ${describeMachine()}; ${today()}`);
	console.log('| upload | size MB | status | wall s | realtime | server peak RSS (MB) |\n|---|---|---|---|---|---|');
	console.log(
		`| ${minutes} min Opus 32 kb/s | ${(statSync(opus).size / 1e6).toFixed(1)} | ${task.status} | ${seconds.toFixed(0)} | ${((minutes * 60) / seconds).toFixed(1)}x | ${peak.toFixed(0)} |`
	);
} finally {
	await server.stop();
}
