/**
 * @file Recording from the microphone: MediaRecorder in whichever container the browser makes
 * (Chromium and Firefox: WebM/Opus; Safari: MP4/AAC), a live input level for the meter, and a
 * File at the end that goes through the same decoding as a dropped file. For live captions, the
 * samples themselves as they arrive, at 16 kHz, through an AudioWorklet (pcm-tap.worklet.js).
 */
// Not inlined as a data: URL, which the page's CSP refuses to run (script-src 'self').
import pcmTapUrl from './pcm-tap.worklet.js?url&no-inline';
import { SAMPLE_RATE } from '$lib/core/audio';
import type { Failure } from './i18n/messages';
import { extensionForMimeType, pickRecordingType } from './recording-format';

class Recorder {
	recording = $state(false);
	/** Input level, 0 (silence) to 1 (full scale), for the meter. */
	level = $state(0);
	seconds = $state(0);
	error = $state.raw<Failure | null>(null);

	#recorder: MediaRecorder | undefined;
	#stream: MediaStream | undefined;
	#audioContext: AudioContext | undefined;
	#frame = 0;
	#finished: ((file: File) => void) | undefined;
	/** Between the click and the recording: a second click must not open a second microphone. */
	#starting = false;

	/**
	 * Starts recording; `onfile` receives the recording once `stop()` is called, and `onsamples`
	 * (when given) the 16 kHz mono samples as they arrive. Resolves whether samples will come.
	 */
	async start(onfile: (file: File) => void, onsamples?: (samples: Float32Array) => void): Promise<boolean> {
		if (this.recording || this.#starting) return false;
		this.#starting = true;
		try {
			return await this.#start(onfile, onsamples);
		} finally {
			this.#starting = false;
		}
	}

	async #start(onfile: (file: File) => void, onsamples?: (samples: Float32Array) => void): Promise<boolean> {
		this.error = null;
		// Some engines lack a recorder, or (WebKitGTK without GStreamer's encoders) have one that
		// can encode none of the containers we decode.
		const mimeType = typeof MediaRecorder === 'undefined' ? '' : pickRecordingType((type) => MediaRecorder.isTypeSupported(type));
		if (!mimeType || !navigator.mediaDevices?.getUserMedia) {
			this.error = { code: 'mic-unsupported' };
			return false;
		}
		try {
			this.#stream = await navigator.mediaDevices.getUserMedia({ audio: true });
		} catch (error) {
			this.error = describeMicrophoneError(error);
			return false;
		}
		const recorder = new MediaRecorder(this.#stream, { mimeType });
		const chunks: Blob[] = [];
		recorder.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
		recorder.onstop = () => {
			const type = recorder.mimeType || mimeType || 'audio/webm';
			const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
			const file = new File(chunks, `recording-${stamp}.${extensionForMimeType(type)}`, { type: type.split(';')[0] });
			this.#release();
			this.#finished?.(file);
		};
		this.#finished = onfile;
		this.#recorder = recorder;
		try {
			const tapped = onsamples ? await this.#tap(this.#stream, onsamples) : false;
			this.#meter(this.#stream);
			recorder.start(1000);
			this.recording = true;
			this.seconds = 0;
			return tapped;
		} catch (error) {
			// The microphone was opened: close it again, and say why nothing records.
			this.#release();
			this.error = { code: 'mic-other', detail: error instanceof Error ? error.message : String(error) };
			return false;
		}
	}

	/**
	 * The samples at 16 kHz: the audio context resamples the microphone to its own rate. False where
	 * the browser refuses a 16 kHz context or has no AudioWorklet (no live captions then).
	 */
	async #tap(stream: MediaStream, onsamples: (samples: Float32Array) => void): Promise<boolean> {
		let context: AudioContext | undefined;
		try {
			context = new AudioContext({ sampleRate: SAMPLE_RATE });
			await context.audioWorklet.addModule(pcmTapUrl);
			const tap = new AudioWorkletNode(context, 'koe-pcm-tap');
			tap.port.onmessage = (event: MessageEvent<Float32Array>) => onsamples(event.data);
			// Connected through a muted gain to the output, so that every browser keeps pulling it.
			const mute = context.createGain();
			mute.gain.value = 0;
			// Firefox refuses a microphone at another rate than the context's (NotSupportedError).
			context.createMediaStreamSource(stream).connect(tap).connect(mute).connect(context.destination);
			this.#audioContext = context;
			return true;
		} catch {
			void context?.close();
			return false;
		}
	}

	stop(): void {
		if (this.#recorder?.state === 'recording') this.#recorder.stop();
	}

	#meter(stream: MediaStream): void {
		this.#audioContext ??= new AudioContext();
		const analyser = this.#audioContext.createAnalyser();
		analyser.fftSize = 1024;
		this.#audioContext.createMediaStreamSource(stream).connect(analyser);
		const samples = new Float32Array(analyser.fftSize);
		const started = performance.now();
		const tick = () => {
			analyser.getFloatTimeDomainData(samples);
			let sum = 0;
			for (const sample of samples) sum += sample * sample;
			// RMS on a gentle log scale so speech moves the meter visibly.
			const rms = Math.sqrt(sum / samples.length);
			this.level = Math.min(1, Math.max(0, 1 + Math.log10(rms + 1e-6) / 3));
			this.seconds = (performance.now() - started) / 1000;
			this.#frame = requestAnimationFrame(tick);
		};
		tick();
	}

	#release(): void {
		cancelAnimationFrame(this.#frame);
		this.#stream?.getTracks().forEach((track) => track.stop());
		void this.#audioContext?.close();
		this.#stream = undefined;
		this.#audioContext = undefined;
		this.#recorder = undefined;
		this.recording = false;
		this.level = 0;
	}
}

function describeMicrophoneError(error: unknown): Failure {
	const name = error instanceof DOMException ? error.name : '';
	if (name === 'NotAllowedError' || name === 'SecurityError') return { code: 'mic-denied' };
	if (name === 'NotFoundError' || name === 'OverconstrainedError') return { code: 'mic-missing' };
	if (name === 'NotReadableError') return { code: 'mic-busy' };
	return { code: 'mic-other', detail: error instanceof Error ? error.message : String(error) };
}

export const recorder = new Recorder();
