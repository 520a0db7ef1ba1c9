/**
 * @file Voice activity detection for `vadFilter`: which stretches of the audio hold speech, and
 * the audio of only those, joined, for the decoder (faster-whisper's `vad_filter`). The platform
 * says once how to make its detector (useVoiceDetector): the worker with onnxruntime-web, the
 * server with onnxruntime-node; it is made on first use and kept.
 */
import type { AudioSource } from '../audio-source';
import { SpeechTimeline, speechRegions, type Region } from './regions';
import { VAD_FRAME_SAMPLES, type SileroVad } from './silero';

export { SileroVad, type OnnxRuntime } from './silero';
export { SpeechTimeline, speechRegions, DEFAULT_REGION_RULES, type Region, type RegionRules } from './regions';

let makeDetector: (() => Promise<SileroVad>) | undefined;
let detector: Promise<SileroVad> | undefined;

/** How this platform makes its voice detector; made once, on the first transcription that asks. */
export function useVoiceDetector(make: () => Promise<SileroVad>): void {
	makeDetector = make;
	detector = undefined;
}

export function voiceDetector(): Promise<SileroVad> {
	if (!makeDetector) throw new Error('vadFilter needs a voice detector: the platform calls useVoiceDetector() first.');
	detector ??= makeDetector().catch((error: unknown) => {
		detector = undefined; // a later call may succeed (a file that was still being written)
		throw error;
	});
	return detector;
}

/** The speech in the audio: its regions on the recording's timeline. */
export async function findSpeech(audio: AudioSource, signal?: AbortSignal): Promise<SpeechTimeline> {
	const probabilities = await (await voiceDetector()).probabilities(audio, signal);
	return new SpeechTimeline(speechRegions(probabilities, VAD_FRAME_SAMPLES, audio.length));
}

/** The audio of the timeline's regions, one after another, read lazily from the recording. */
export function speechOnly(audio: AudioSource, timeline: SpeechTimeline): AudioSource {
	return {
		length: timeline.length,
		async getSamples(start: number, count: number): Promise<Float32Array> {
			const out = new Float32Array(Math.max(0, Math.min(count, timeline.length - start)));
			let joined = 0;
			for (const region of timeline.regions as Region[]) {
				const size = region.end - region.start;
				const from = Math.max(start, joined);
				const to = Math.min(start + out.length, joined + size);
				if (from < to) out.set(await audio.getSamples(region.start + (from - joined), to - from), from - start);
				joined += size;
				if (joined >= start + out.length) break;
			}
			return out;
		}
	};
}
