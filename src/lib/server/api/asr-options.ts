/** @file The /asr family's query options as the engine's options. */
import type { TranscribeOptions } from '../../engine/transcribe';
import type { AsrOptions } from './params';

export function engineOptions(options: AsrOptions): TranscribeOptions {
	return {
		task: options.task,
		...(options.language ? { language: options.language } : {}),
		...(options.initialPrompt ? { initialPrompt: options.initialPrompt } : {}),
		wordTimestamps: options.wordTimestamps,
		vadFilter: options.vadFilter,
		...(options.beamSize ? { beamSize: options.beamSize } : {})
	};
}
