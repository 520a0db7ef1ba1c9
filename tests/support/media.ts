/**
 * @file Test media made with the system's ffmpeg: long files joined from eval recordings.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The system's ffmpeg, quiet but for errors, never asking (outputs are overwritten); its stdout as text. */
export function ffmpeg(...args: string[]): string {
	return execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], { encoding: 'utf8' });
}

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
	ffmpeg(...inputs, '-filter_complex', filter, '-map', '[out]', ...outputArgs, target);
	return target;
}

/** The first `seconds` of `audio` at `target` (its extension picks the format; `outputArgs` add encoder options). */
export function cutAudio(audio: string, seconds: number, target: string, outputArgs: readonly string[] = []): string {
	ffmpeg('-i', audio, '-t', String(seconds), ...outputArgs, target);
	return target;
}

/** `seconds` of quiet pink noise (a room, about −50 dBFS), then `audio`, as a 16 kHz mono file at `target`. */
export function afterNoise(audio: string, seconds: number, target: string): string {
	const noise = `anoisesrc=color=pink:amplitude=0.004:sample_rate=16000:duration=${seconds}:seed=5`;
	const filter = '[1:a]aresample=16000,aformat=channel_layouts=mono[speech];[0:a][speech]concat=n=2:v=0:a=1[out]';
	ffmpeg('-f', 'lavfi', '-i', noise, '-i', audio, '-filter_complex', filter, '-map', '[out]', target);
	return target;
}

/** An mp4 video (H.264 + AAC) of a plain coloured picture with `audio` as its sound track. */
export function makeVideo(audio: string, target: string): string {
	ffmpeg(
		'-f',
		'lavfi',
		'-i',
		'color=c=darkslateblue:s=320x240:r=5',
		'-i',
		audio,
		'-shortest',
		'-c:v',
		'libx264',
		'-pix_fmt',
		'yuv420p',
		'-c:a',
		'aac',
		target
	);
	return target;
}

/**
 * WAV files made from JFK in `dir`: those already in Whisper's format (read without ffmpeg, with
 * a tag chunk before the samples among them), and those that must go to ffmpeg (another rate,
 * float samples, a header stating more samples than the file holds). `jfk` is en_jfk.wav.
 */
export function wavVariants(jfk: string, dir: string) {
	const made = (name: string, ...args: string[]) => {
		const target = path.join(dir, name);
		ffmpeg(...args, target);
		return target;
	};
	const cut = path.join(dir, 'cut.wav');
	writeFileSync(cut, readFileSync(jfk).subarray(0, 100_000));
	return {
		direct: { jfk, tagged: made('tagged.wav', '-i', jfk, '-metadata', 'title=Inaugural address', '-c', 'copy') },
		throughFfmpeg: {
			cd: made('cd.wav', '-i', jfk, '-ar', '44100'),
			float: made('float.wav', '-i', jfk, '-c:a', 'pcm_f32le'),
			cut
		}
	};
}
