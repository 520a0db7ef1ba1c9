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

/**
 * `count` samples from `start` of audio of `length` samples decoded in chunks of `chunkSamples`
 * (the page's ffmpeg.wasm and the server's ffmpeg both decode a few minutes at a time); a chunk
 * shorter than that (the file's end) leaves the rest of its span silent.
 */
export async function readAcrossChunks(
	start: number,
	count: number,
	length: number,
	chunkSamples: number,
	chunk: (index: number) => Promise<Float32Array>
): Promise<Float32Array> {
	const end = Math.min(start + count, length);
	const out = new Float32Array(Math.max(0, end - start));
	for (let index = Math.floor(start / chunkSamples); index * chunkSamples < end; index++) {
		const samples = await chunk(index);
		const offset = index * chunkSamples;
		const from = Math.max(start, offset) - offset;
		const to = Math.min(end, offset + samples.length) - offset;
		if (to > from) out.set(samples.subarray(from, to), offset + from - start);
	}
	return out;
}
