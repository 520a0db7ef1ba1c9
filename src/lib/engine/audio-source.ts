/**
 * @file Audio as the engine reads it: 16 kHz mono samples fetched window by window, so a long
 * file can be decoded lazily (from disk, or ffmpeg.wasm in chunks) and never needs one huge
 * Float32Array.
 */

export interface AudioSource {
	/** Total number of samples. */
	readonly length: number;
	/** `count` samples from `start` (fewer at the end of the audio). */
	getSamples(start: number, count: number): Promise<Float32Array>;
}

/** An AudioSource over samples already in memory. */
export function samplesSource(samples: Float32Array): AudioSource {
	return {
		length: samples.length,
		getSamples: async (start, count) => samples.subarray(start, Math.min(samples.length, start + count))
	};
}

export function toAudioSource(audio: Float32Array | AudioSource): AudioSource {
	return audio instanceof Float32Array ? samplesSource(audio) : audio;
}
