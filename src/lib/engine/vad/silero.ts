/**
 * @file Silero VAD v5 (MIT; the ONNX file ships in the npm package @ricky0123/vad-web) on the
 * onnxruntime the caller already uses: onnxruntime-web in the browser's worker, onnxruntime-node
 * on the server. It reads 512-sample frames (32 ms at 16 kHz), each with the 64 samples before it
 * and the recurrent state the previous frame left, and gives each frame's speech probability.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { SAMPLE_RATE } from '../../core/audio';
import type { AudioSource } from '../audio-source';
import { throwIfAborted } from '../decoding/abort';

/** What Silero needs of an onnxruntime package (onnxruntime-node and onnxruntime-web both fit). */
export interface OnnxRuntime {
	InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
	Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => Tensor;
}

export const VAD_FRAME_SAMPLES = 512;
const CONTEXT_SAMPLES = 64;
const STATE_DIMS = [2, 1, 128] as const;
/**
 * Frames read from the audio at a time: just under 30 s, no more than the decoder reads at once,
 * so that a long file never sits in memory whole.
 */
const FRAMES_PER_READ = 937;

export class SileroVad {
	readonly #ort: OnnxRuntime;
	readonly #session: InferenceSession;
	readonly #rate: Tensor;

	private constructor(ort: OnnxRuntime, session: InferenceSession) {
		this.#ort = ort;
		this.#session = session;
		this.#rate = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []);
	}

	/**
	 * `model`: the bytes of silero_vad_v5.onnx; `provider`: onnxruntime-node's 'cpu' or
	 * onnxruntime-web's 'wasm'. One thread: the model is tiny and runs frame by frame.
	 */
	static async create(ort: OnnxRuntime, model: Uint8Array, provider: 'cpu' | 'wasm'): Promise<SileroVad> {
		const session = await ort.InferenceSession.create(model, {
			executionProviders: [provider],
			intraOpNumThreads: 1,
			interOpNumThreads: 1
		});
		return new SileroVad(ort, session);
	}

	/** The speech probability of each 512-sample frame of the audio (the last one padded with silence). */
	async probabilities(audio: AudioSource, signal?: AbortSignal): Promise<Float32Array> {
		const frames = Math.ceil(audio.length / VAD_FRAME_SAMPLES);
		const probabilities = new Float32Array(frames);
		const stream = this.stream();
		for (let first = 0; first < frames; first += FRAMES_PER_READ) {
			throwIfAborted(signal);
			const block = await audio.getSamples(first * VAD_FRAME_SAMPLES, FRAMES_PER_READ * VAD_FRAME_SAMPLES);
			for (let frame = 0; frame < FRAMES_PER_READ && first + frame < frames; frame++) {
				probabilities[first + frame] = await stream.next(block.subarray(frame * VAD_FRAME_SAMPLES, (frame + 1) * VAD_FRAME_SAMPLES));
			}
		}
		return probabilities;
	}

	/**
	 * Frame by frame, as audio arrives (live captions): each call takes the next 512 samples (fewer
	 * at the end: padded with silence) and gives their speech probability. Calls must not overlap.
	 */
	stream(): { next(frame: Float32Array): Promise<number> } {
		const input = new Float32Array(CONTEXT_SAMPLES + VAD_FRAME_SAMPLES);
		let state = new this.#ort.Tensor('float32', new Float32Array(2 * 128), STATE_DIMS);
		return {
			next: async (frame) => {
				// The context is the previous frame's last 64 samples, then this frame.
				input.copyWithin(0, VAD_FRAME_SAMPLES);
				input.fill(0, CONTEXT_SAMPLES);
				input.set(frame.subarray(0, VAD_FRAME_SAMPLES), CONTEXT_SAMPLES);
				const outputs = await this.#session.run({
					input: new this.#ort.Tensor('float32', input.slice(), [1, input.length]),
					state,
					sr: this.#rate
				});
				state = outputs.stateN!;
				return (outputs.output!.data as Float32Array)[0]!;
			}
		};
	}

	async release(): Promise<void> {
		await this.#session.release();
	}
}
