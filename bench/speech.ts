/** @file Long test media for the benchmarks: real speech from the eval recordings, looped. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { cacheDirFrom } from '../src/lib/server/config';
import { evalAudioPath } from '../tests/support/eval-audio';
import { concatAudio } from '../tests/support/media';

const workDir = path.join(cacheDirFrom(process.env), 'bench');

/** The English eval recordings, in the order long files repeat them. */
export const ENGLISH_ROUND = [
	'en_librivox_sonnet001.mp3',
	'en_jfk.wav',
	'en_librispeech_2412-153948-0000.flac',
	'en_ldc93s1_timit.wav'
] as const;

/** A long file of real speech: the eval recordings in turn, looped to `minutes`. */
export async function makeLongFile(minutes: number): Promise<string> {
	mkdirSync(workDir, { recursive: true });
	const target = path.join(workDir, `speech-${minutes}min.mp3`);
	const list = path.join(workDir, 'sources.txt');
	const oneRound = path.join(workDir, 'round.wav');
	concatAudio(await Promise.all(ENGLISH_ROUND.map(evalAudioPath)), oneRound);
	execFileSync('sh', ['-c', `printf "file '%s'\\n" $(yes ${oneRound} | head -n 200) > ${list}`]);
	execFileSync('ffmpeg', [
		'-v',
		'error',
		'-f',
		'concat',
		'-safe',
		'0',
		'-i',
		list,
		'-t',
		String(minutes * 60),
		'-b:a',
		'64k',
		'-y',
		target
	]);
	return target;
}
