/**
 * @file `npm run bench -- subtitles`: what the subtitle layout and Silero VAD change, on the server
 * path (onnxruntime-node, q8, greedy).
 *
 * 1. Each English, German, Japanese and Chinese eval recording with base and word timings: cues as
 *    Whisper's segments (before) and laid out (after): longest line, longest cue, cues over the
 *    reading speed.
 * 2. Recordings joined with 3 s of silence between them (tiny.en): how far each cue after a silence
 *    starts from the speech, with Whisper's own word times and with words moved onto sound.
 * 3. A half-silent file (each English recording followed by as much room noise) and noise and
 *    music alone: decoding time and words invented, VAD off and on.
 */
import { SAMPLE_RATE } from '../src/lib/core/audio';
import { cuesOf } from '../src/lib/core/subtitles/cues';
import { DEFAULT_LAYOUT } from '../src/lib/core/subtitles/layout';
import { scriptOf } from '../src/lib/core/subtitles/width';
import { transcribe, type LoadedModel } from '../src/lib/engine';
import { recording } from '../tests/support/eval-audio';
import { concatSamples as concat, decodedRecording as audioOf, loadLocal as load, useLocalEngine } from '../tests/support/local-models';
import { cueStats, joinWithSilence, startErrors, type CueStats } from '../tests/support/subtitle-stats';
import { normalizeWords, wordErrorRate } from '../tests/support/wer';
import { describeMachine, today } from './machine';

useLocalEngine();
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);

console.log(`Machine: ${describeMachine()}; ${today()}; q8, greedy\n`);

// ---- 1. layout ----
const base = await load('base');
console.log('| recording | cues | longest line | longest cue (s) | over reading speed |\n|---|---|---|---|---|');
for (const file of [
	'en_librivox_sonnet001.mp3',
	'en_jfk.wav',
	'es_librivox_capitan_veneno.mp3',
	'de_leopard.wav',
	'ja_leopard.wav',
	'zh_aishell1_BAC009S0764W0121.wav'
]) {
	const transcript = await transcribe(base, await audioOf(file), { wordTimestamps: true, vadFilter: false });
	const script = scriptOf(transcript.language, transcript.text);
	const speed = script === 'cjk' ? 9 : 17;
	const before = cueStats(cuesOf(transcript, null), script, speed);
	const after = cueStats(cuesOf(transcript, DEFAULT_LAYOUT), script, speed);
	const pair = (key: keyof CueStats) => `${before[key]} → ${after[key]}`;
	console.log(`| ${file} (base) | ${pair('cues')} | ${pair('longestLine')} | ${pair('longestCueSeconds')} | ${pair('overReadingSpeed')} |`);
}
await base.pipe.dispose();

// ---- 2. first-cue start after silence ----
const tiny: LoadedModel = await load('tiny.en');
const joined = joinWithSilence(
	await Promise.all(['en_jfk.wav', 'en_librispeech_2412-153948-0000.flac', 'en_ldc93s1_timit.wav'].map(audioOf)),
	3
);
const timed = await transcribe(tiny, joined.samples, { wordTimestamps: true, vadFilter: false });
const vadTimed = await transcribe(tiny, joined.samples, { wordTimestamps: true, vadFilter: true });
console.log(
	`\nSpeech after 3 s silences at ${joined.onsets.map((s) => s.toFixed(2)).join(', ')} s (tiny.en); cue start minus speech onset, s:`
);
console.log(`- laid out, VAD off: ${startErrors(cuesOf(timed, DEFAULT_LAYOUT), joined.onsets).join(', ')}`);
console.log(`- laid out, VAD on: ${startErrors(cuesOf(vadTimed, DEFAULT_LAYOUT), joined.onsets).join(', ')}`);

// ---- 3. VAD: time and invented words ----
const english = ['en_jfk.wav', 'en_librispeech_2412-153948-0000.flac', 'en_librivox_sonnet001.mp3', 'en_ldc93s1_timit.wav'];
const speech = await Promise.all(english.map(audioOf));
let seed = 3;
const roomNoise = (length: number) =>
	Float32Array.from({ length }, () => (((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1) * 0.004);
const halfSilent = concat(speech.flatMap((part) => [part, roomNoise(part.length)]));
const reference = english.map((file) => recording(file).reference).join(' ');
const music = Float32Array.from({ length: 60 * SAMPLE_RATE }, (_, i) => {
	const t = i / SAMPLE_RATE;
	const chord = [261.6, 329.6, 392].map((f) => f * [1, 0.84, 0.75, 0.67][Math.floor(t * 2) % 4]!);
	return 0.08 * Math.exp(-((t * 2) % 1) * 6) * chord.reduce((sum, f) => sum + Math.sin(2 * Math.PI * f * t), 0);
});
const noiseAndMusic = concat([music, Float32Array.from({ length: 60 * SAMPLE_RATE }, () => (Math.random() * 2 - 1) * 0.05)]);
console.log(`\n| file (tiny.en) | VAD | audio s | decoding s | words | invented words | WER |\n|---|---|---|---|---|---|---|`);
for (const [name, audio, ref] of [
	['half silent: 4 recordings, each followed by as much room noise', halfSilent, reference],
	['music then white noise, no speech', noiseAndMusic, '']
] as const) {
	for (const vadFilter of [false, true]) {
		const started = performance.now();
		const result = await transcribe(tiny, audio, { vadFilter });
		const words = normalizeWords(result.text).length;
		const invented = Math.max(0, words - normalizeWords(ref).length);
		const wer = ref ? `${(wordErrorRate(ref, result.text) * 100).toFixed(1)}%` : '–';
		console.log(
			`| ${name} | ${vadFilter ? 'on' : 'off'} | ${(audio.length / SAMPLE_RATE).toFixed(0)} | ${seconds(started)} | ${words} | ${invented} | ${wer} |`
		);
	}
}
await tiny.pipe.dispose();
