/**
 * @file How the comparison talks to an engine it runs as a child process (Koe on Node,
 * faster-whisper in Python): the job goes in as one JSON argument; the child prints one
 * `BENCH {json}` line per event, so that library chatter on stdout is ignored. The parent
 * samples the child's resident memory while each file runs.
 */
export interface EngineJob {
	model: string;
	/** Koe: fp32 | fp16 | q8 | q4; faster-whisper: int8 | float32. */
	dtype: string;
	beamSize: number;
	threads: number;
	/** Koe: which decoder runs (the fixed-capacity one where the model has it, by default). */
	decoder?: 'fixed-cache' | 'merged';
	files: Array<{ path: string; language: string }>;
}

export type EngineEvent =
	| { event: 'loaded'; seconds: number }
	| { event: 'start'; path: string }
	/** `gc`: Koe's garbage collections during the file, by kind (V8's minor and major). */
	| { event: 'done'; path: string; seconds: number; text: string; gc?: GcCounts };

export interface GcCounts {
	minor: number;
	major: number;
}

export const EVENT_PREFIX = 'BENCH ';
