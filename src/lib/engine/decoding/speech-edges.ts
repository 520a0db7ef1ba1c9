/**
 * @file Word times moved onto sound. Whisper's cross-attention often starts the first word after
 * a pause while the pause is still going (tiny.en: 0.4 s before the speech after 3 s of silence),
 * which shows a subtitle before anyone speaks. Like stable-ts's silence suppression, a word's start
 * moves forward, and its end back, past the quiet 10 ms frames at its edges.
 */
import { SAMPLE_RATE } from '../../core/audio';

const FRAME = SAMPLE_RATE / 100;
/** Quiet: this far below the window's loudest frame, or below −60 dBFS, whichever is higher. */
const QUIET_BELOW_PEAK_DB = 40;
const QUIET_FLOOR_DB = -60;
/** A word keeps at least this much of itself, however quiet it measures. */
const MIN_WORD_SECONDS = 0.05;

/** Whether each 10 ms frame of the samples is quiet. */
export function quietFrames(samples: Float32Array): Uint8Array {
	const count = Math.floor(samples.length / FRAME);
	const levels = new Float32Array(count);
	let peak = -Infinity;
	for (let frame = 0; frame < count; frame++) {
		let energy = 0;
		for (let i = frame * FRAME; i < (frame + 1) * FRAME; i++) energy += samples[i]! * samples[i]!;
		levels[frame] = 10 * Math.log10(energy / FRAME + 1e-12);
		peak = Math.max(peak, levels[frame]!);
	}
	const threshold = Math.max(QUIET_FLOOR_DB, peak - QUIET_BELOW_PEAK_DB);
	return levels.map((level) => (level < threshold ? 1 : 0)) as unknown as Uint8Array;
}

/**
 * Moves each word's edges off quiet frames, in place. `offset`: the seconds at which `quiet`
 * begins. Words wholly quiet keep their times (Whisper heard something there).
 */
export function snapWordsToSound(words: Array<{ start: number; end: number }>, quiet: Uint8Array, offset: number): void {
	const frameOf = (seconds: number) => Math.round((seconds - offset) * 100);
	const isQuiet = (frame: number) => frame >= 0 && frame < quiet.length && quiet[frame] === 1;
	for (const word of words) {
		let first = frameOf(word.start);
		let last = frameOf(word.end) - 1;
		while (first <= last && isQuiet(first)) first++;
		while (last >= first && isQuiet(last)) last--;
		if (first > last) continue;
		const start = Math.max(word.start, offset + first / 100);
		const end = Math.min(word.end, offset + (last + 1) / 100);
		if (end - start < MIN_WORD_SECONDS) continue;
		word.start = Math.round(start * 100) / 100;
		word.end = Math.round(end * 100) / 100;
	}
}
