/**
 * @file The fast log-mel features (src/lib/engine/features.ts) against a plain DFT and against
 * transformers.js's own WhisperFeatureExtractor, on real speech with the real model's settings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { ComplexFft, LogMelSpectrogram, RealPowerSpectrum } from '$lib/engine/features';
import { cacheDirFrom } from '$lib/server/config';
import { decodeFile } from '$lib/server/media';
import { evalAudioPath } from '../../support/eval-audio';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
	const n = re.length;
	const outRe = new Float64Array(n);
	const outIm = new Float64Array(n);
	for (let k = 0; k < n; k++) {
		let sumRe = 0;
		let sumIm = 0;
		for (let t = 0; t < n; t++) {
			const angle = (-2 * Math.PI * k * t) / n;
			sumRe += re[t]! * Math.cos(angle) - im[t]! * Math.sin(angle);
			sumIm += re[t]! * Math.sin(angle) + im[t]! * Math.cos(angle);
		}
		outRe[k] = sumRe;
		outIm[k] = sumIm;
	}
	return [outRe, outIm];
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
	Array.from(a).reduce((max, v, i) => Math.max(max, Math.abs(v - b[i]!)), 0);

describe('FFT', () => {
	it('matches a plain DFT for lengths made of 2, 3, 4, 5 and 7', () => {
		for (const size of [1, 2, 5, 12, 49, 200]) {
			const re = Float64Array.from({ length: size }, (_, i) => Math.sin(i * 1.3) + 0.1 * i);
			const im = Float64Array.from({ length: size }, (_, i) => Math.cos(i * 0.7));
			const outRe = new Float64Array(size);
			const outIm = new Float64Array(size);
			new ComplexFft(size).transform(re, im, outRe, outIm);
			const [expectRe, expectIm] = naiveDft(re, im);
			expect(maxAbsDiff(outRe, expectRe), `size ${size}`).toBeLessThan(1e-9);
			expect(maxAbsDiff(outIm, expectIm), `size ${size}`).toBeLessThan(1e-9);
		}
	});

	it('gives the power spectrum of a real frame of 400 samples', () => {
		const frame = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i / 3) * Math.cos(i / 17));
		const power = new Float64Array(201);
		new RealPowerSpectrum(400).compute(frame, power);
		const [re, im] = naiveDft(frame, new Float64Array(400));
		const expected = Array.from({ length: 201 }, (_, k) => re[k]! ** 2 + im[k]! ** 2);
		expect(maxAbsDiff(power, expected)).toBeLessThan(1e-8);
	});
});

describe('log-mel features', () => {
	it('equal transformers.js WhisperFeatureExtractor on real speech, full and short windows', async () => {
		const configPath = path.join(cacheDirFrom(process.env), 'models/whisper-tiny.en/preprocessor_config.json');
		const extractor = new WhisperFeatureExtractor(JSON.parse(readFileSync(configPath, 'utf8')));
		const { config, window } = extractor as unknown as {
			config: Record<string, number> & { mel_filters: number[][] };
			window: Float64Array;
		};
		const mel = new LogMelSpectrogram({
			frameLength: config.n_fft!,
			hopLength: config.hop_length!,
			windowSamples: config.n_samples!,
			maxFrames: config.nb_max_frames!,
			window,
			melFilters: config.mel_filters
		});
		const speech = await decodeFile(await evalAudioPath('en_librivox_sonnet001.mp3'));
		for (const samples of [speech.subarray(0, 30 * 16000), speech.subarray(16000, 5 * 16000)]) {
			const expected = (await extractor(samples)).input_features;
			const features = mel.compute(samples);
			expect(expected.dims).toEqual([1, mel.mels, mel.frames]);
			expect(maxAbsDiff(features, expected.data as Float32Array)).toBeLessThan(1e-5);
		}
	});
});
