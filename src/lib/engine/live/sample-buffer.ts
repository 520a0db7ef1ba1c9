/**
 * @file The microphone's samples as they arrive, kept only from the oldest one still needed (the
 * start of the utterance under way), so that an hour of live captions holds seconds, not an hour.
 */
export class SampleBuffer {
	#chunks: Float32Array[] = [];
	/** The recording's index of the first sample kept. */
	#first = 0;
	#end = 0;

	/** Samples received so far, dropped ones included: the index the next one will have. */
	get end(): number {
		return this.#end;
	}

	append(samples: Float32Array): void {
		if (samples.length === 0) return;
		this.#chunks.push(samples);
		this.#end += samples.length;
	}

	/** Samples [start, end) of the recording; the part already dropped or not yet received reads as missing (shorter). */
	read(start: number, end: number): Float32Array {
		const from = Math.max(start, this.#first);
		const to = Math.min(end, this.#end);
		const out = new Float32Array(Math.max(0, to - from));
		let offset = this.#first;
		for (const chunk of this.#chunks) {
			const chunkEnd = offset + chunk.length;
			if (chunkEnd > from && offset < to) {
				const a = Math.max(from, offset);
				const b = Math.min(to, chunkEnd);
				out.set(chunk.subarray(a - offset, b - offset), a - from);
			}
			offset = chunkEnd;
			if (offset >= to) break;
		}
		return out;
	}

	/** Forgets whole chunks before `sample`. */
	dropBefore(sample: number): void {
		while (this.#chunks.length > 0 && this.#first + this.#chunks[0]!.length <= sample) {
			this.#first += this.#chunks.shift()!.length;
		}
	}
}
