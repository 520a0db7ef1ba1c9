/**
 * @file Recording from the microphone: MediaRecorder in whichever container the browser makes
 * (Chromium and Firefox: WebM/Opus; Safari: MP4/AAC), a live input level for the meter, and a
 * File at the end that goes through the same decoding as a dropped file.
 */
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

	/** Starts recording; `onfile` receives the recording once `stop()` is called. */
	async start(onfile: (file: File) => void): Promise<void> {
		if (this.recording) return;
		this.error = null;
		// Some engines lack a recorder, or (WebKitGTK without GStreamer's encoders) have one that
		// can encode none of the containers we decode.
		const mimeType = typeof MediaRecorder === 'undefined' ? '' : pickRecordingType((type) => MediaRecorder.isTypeSupported(type));
		if (!mimeType || !navigator.mediaDevices?.getUserMedia) {
			this.error = { code: 'mic-unsupported' };
			return;
		}
		try {
			this.#stream = await navigator.mediaDevices.getUserMedia({ audio: true });
		} catch (error) {
			this.error = describeMicrophoneError(error);
			return;
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
		this.#meter(this.#stream);
		recorder.start(1000);
		this.recording = true;
		this.seconds = 0;
	}

	stop(): void {
		if (this.#recorder?.state === 'recording') this.#recorder.stop();
	}

	#meter(stream: MediaStream): void {
		this.#audioContext = new AudioContext();
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
