/**
 * @file An AudioWorklet that hands the microphone's samples to the page for live captions, in
 * pieces of 4096 (a quarter second at 16 kHz), the channels averaged to mono. Plain JavaScript:
 * the browser loads it as it is (audioWorklet.addModule), outside the page's bundle.
 */
const PIECE = 4096;
// The worklet scope's own globals, which TypeScript's DOM library does not describe.
const { AudioWorkletProcessor, registerProcessor } = /** @type {any} */ (globalThis);

class PcmTap extends AudioWorkletProcessor {
	constructor() {
		super();
		this.piece = new Float32Array(PIECE);
		this.filled = 0;
	}

	/** @param {Float32Array[][]} inputs */
	process(inputs) {
		const channels = inputs[0] ?? [];
		const frames = channels[0]?.length ?? 0;
		for (let i = 0; i < frames; i++) {
			let sum = 0;
			for (const channel of channels) sum += channel[i] ?? 0;
			this.piece[this.filled++] = sum / channels.length;
			if (this.filled === PIECE) {
				this.port.postMessage(this.piece, [this.piece.buffer]);
				this.piece = new Float32Array(PIECE);
				this.filled = 0;
			}
		}
		return true;
	}
}

registerProcessor('koe-pcm-tap', PcmTap);
