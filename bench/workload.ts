/**
 * @file What the comparison transcribes: each eval recording a model can hear (English ones
 * for English-only models), and a 10-minute file of whole rounds of the English recordings,
 * whose reference is theirs repeated. The stereo recording (two voices at once) is a channel
 * test with no single reference, so it is left out, as in the WER bench.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { cacheDirFrom } from '../src/lib/server/config';
import { evalAudioPath, readManifest, type Recording } from '../tests/support/eval-audio';
import { concatAudio } from '../tests/support/media';
import { ENGLISH_ROUND } from './speech';

export interface WorkItem {
	/** The name rows are reported under. */
	name: string;
	path: string;
	language: string;
	audioSeconds: number;
	reference: string;
}

/** Silence between recordings in the long file, so that no sentence runs into the next. */
const GAP_SECONDS = 1;

/** A media file's duration in seconds, as ffprobe reads it. */
export function audioSeconds(file: string): number {
	return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }));
}

/** Whole rounds of the English recordings, as many as reach `minutes`, as a 64 kb/s mp3. */
async function longItem(minutes: number): Promise<WorkItem> {
	const workDir = path.join(cacheDirFrom(process.env), 'bench');
	mkdirSync(workDir, { recursive: true });
	const parts = ENGLISH_ROUND.map((file) => readManifest().find((entry) => entry.file === file)!);
	const roundSeconds = parts.reduce((sum, part) => sum + part.durationSeconds + GAP_SECONDS, 0);
	const rounds = Math.ceil((minutes * 60) / roundSeconds);
	const target = path.join(workDir, `rounds-${rounds}.mp3`);
	if (!existsSync(target)) {
		const files = await Promise.all(parts.map((part) => evalAudioPath(part.file)));
		concatAudio(Array.from({ length: rounds }, () => files).flat(), target, { gapSeconds: GAP_SECONDS, outputArgs: ['-b:a', '64k'] });
	}
	const reference = Array.from({ length: rounds }, () => parts.map((part) => part.reference).join(' ')).join(' ');
	return { name: `${minutes}-min file (${rounds} rounds)`, path: target, language: 'en', audioSeconds: audioSeconds(target), reference };
}

export async function workload(multilingual: boolean, longMinutes: number): Promise<WorkItem[]> {
	const recordings = readManifest().filter(
		(entry: Recording) => entry.file !== 'en_stereo_two_speakers.wav' && (multilingual || entry.language === 'en')
	);
	const items = await Promise.all(
		recordings.map(async (entry) => ({
			name: entry.file,
			path: await evalAudioPath(entry.file),
			language: entry.language,
			audioSeconds: entry.durationSeconds,
			reference: entry.reference
		}))
	);
	return longMinutes > 0 ? [...items, await longItem(longMinutes)] : items;
}
