/**
 * @file Test media made with the system's ffmpeg: long files joined from eval recordings.
 */
import { execFileSync } from 'node:child_process';

export interface ConcatOptions {
	/** Silence after each part, in seconds. */
	gapSeconds?: number;
	/** Encoder options for the output, e.g. ['-b:a', '64k'] for an mp3. */
	outputArgs?: string[];
}

/** Joins recordings of any format into one 16 kHz mono file at `target` (its extension picks the format). */
export function concatAudio(parts: readonly string[], target: string, { gapSeconds = 0, outputArgs = [] }: ConcatOptions = {}): string {
	const inputs = parts.flatMap((part) => ['-i', part]);
	const pad = gapSeconds > 0 ? `,apad=pad_dur=${gapSeconds}` : '';
	const chains = parts.map((_, i) => `[${i}:a]aresample=16000,aformat=channel_layouts=mono${pad}[a${i}]`);
	const filter = `${chains.join(';')};${parts.map((_, i) => `[a${i}]`).join('')}concat=n=${parts.length}:v=0:a=1[out]`;
	execFileSync('ffmpeg', ['-nostdin', '-v', 'error', ...inputs, '-filter_complex', filter, '-map', '[out]', ...outputArgs, '-y', target]);
	return target;
}
