import { describe, expect, it } from 'vitest';
import { leadingSilence, SILENCE_PEAK, silentFramesToSkip } from '$lib/engine/longform';

const WINDOW_FRAMES = 3000;
/** `silentSeconds` of a codec's silence (a constant under SILENCE_PEAK), then a tone to the end of a 30 s window. */
function window(silentSeconds: number, seconds = 30): Float32Array {
	const samples = new Float32Array(seconds * 16000).fill(SILENCE_PEAK / 4);
	for (let i = Math.round(silentSeconds * 16000); i < samples.length; i++) samples[i] = 0.3 * Math.sin(i / 5);
	return samples;
}

describe('digital silence in the long-form loop', () => {
	it('counts the samples before the first one at SILENCE_PEAK or louder', () => {
		expect(leadingSilence(new Float32Array(10))).toBe(10);
		expect(leadingSilence(Float32Array.of(0, -SILENCE_PEAK / 2, -SILENCE_PEAK * 1.01, 0))).toBe(2);
		expect(leadingSilence(new Float32Array())).toBe(0);
	});

	it('moves over a silent window whole, and over leading silence up to 0.2 s before the signal', () => {
		expect(silentFramesToSkip(window(30), WINDOW_FRAMES)).toBe(WINDOW_FRAMES);
		expect(silentFramesToSkip(window(12.5), WINDOW_FRAMES)).toBe(1250 - 20);
		// The last, short window of a file that ends in silence.
		expect(silentFramesToSkip(window(0.5, 0.5), 50)).toBe(50);
	});

	it('decodes a window that opens on signal or on a pause of under a second', () => {
		expect(silentFramesToSkip(window(0), WINDOW_FRAMES)).toBe(0);
		expect(silentFramesToSkip(window(0.9), WINDOW_FRAMES)).toBe(0);
		// Quiet room tone is signal: Whisper's own rules decide about it.
		const roomTone = window(30).map((_, i) => (i % 2 ? 1 : -1) * SILENCE_PEAK * 3);
		expect(silentFramesToSkip(roomTone, WINDOW_FRAMES)).toBe(0);
	});
});
