/**
 * @file Bad and odd input for the page, made at test time with the system's ffmpeg (nothing is
 * committed): one row per case, with the name the page sees and what the page must do with it.
 * tests/e2e/faults.spec.ts drops each one into the page.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FailureCode } from '../../src/lib/browser/i18n/messages';
import { evalAudioPath } from './eval-audio';
import { ffmpeg } from './media';

/** What the page must show for a case. */
export type PageOutcome =
	/** A message from the failure table, and no transcript. */
	| { kind: 'failure'; code: FailureCode }
	/**
	 * A transcript: `heard` must be in it (when given), and it has at most `maxWords` words (a
	 * silent or near-silent file may not come back with invented text).
	 */
	| { kind: 'transcript'; heard?: RegExp; maxWords?: number };

export interface PageCase {
	/** Short id, used in test titles and as the file's name on disk. */
	id: string;
	/** The name the page is given (the File's name); may hold characters no file on disk can. */
	name: string;
	mimeType: string;
	expected: PageOutcome;
	/** A known bug outside the page that makes this case fail: the test is marked as failing, with this reason. */
	knownBug?: string;
	/** Writes the case's bytes to `file` (awaited; what it returns is not read). */
	make(file: string): unknown;
}

/** "She had your dark suit in greasy wash water all year": short, so each case stays cheap. */
const TIMIT = 'en_ldc93s1_timit.wav';
const JFK = 'en_jfk.wav';

export const PAGE_CORPUS: readonly PageCase[] = [
	{
		id: 'empty',
		name: 'empty.mp3',
		mimeType: 'audio/mpeg',
		expected: { kind: 'failure', code: 'empty' },
		make: (file) => writeFileSync(file, '')
	},
	{
		id: 'text-as-mp3',
		name: 'meeting-notes.mp3',
		mimeType: 'audio/mpeg',
		expected: { kind: 'failure', code: 'unreadable' },
		make: (file) => writeFileSync(file, 'Agenda\n1. Budget\n2. Hiring\nThese are notes, not a recording.\n'.repeat(20))
	},
	{
		id: 'png',
		name: 'cover.png',
		mimeType: 'image/png',
		expected: { kind: 'failure', code: 'image' },
		make: (file) => ffmpeg('-f', 'lavfi', '-i', 'color=c=orange:s=64x64', '-frames:v', '1', file)
	},
	{
		id: 'video-no-audio',
		name: 'screen-recording.mp4',
		mimeType: 'video/mp4',
		expected: { kind: 'failure', code: 'no-audio' },
		make: (file) => ffmpeg('-f', 'lavfi', '-i', 'color=c=navy:s=160x120:r=10:d=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an', file)
	},
	{
		id: '8ch-96k',
		name: 'surround-96k.wav',
		mimeType: 'audio/wav',
		expected: { kind: 'transcript', heard: /ask not what your country/i },
		// The speech on all eight channels of a 7.1 layout, 24-bit at 96 kHz.
		make: async (file) =>
			ffmpeg(
				'-i',
				await evalAudioPath(JFK),
				'-af',
				`pan=7.1|${Array.from({ length: 8 }, (_, c) => `c${c}=c0`).join('|')},aresample=96000`,
				'-c:a',
				'pcm_s24le',
				file
			)
	},
	{
		id: 'speech-0.1s',
		name: 'blip.wav',
		mimeType: 'audio/wav',
		// Less than a syllable: Whisper makes up a sentence for it, so the page says it is too short.
		expected: { kind: 'failure', code: 'too-short' },
		make: async (file) => ffmpeg('-ss', '1.0', '-t', '0.1', '-i', await evalAudioPath(JFK), file)
	},
	{
		id: 'silence-30s',
		name: 'silence.m4a',
		mimeType: 'audio/mp4',
		expected: { kind: 'transcript', maxWords: 0 },
		make: (file) => ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '30', '-c:a', 'aac', file)
	},
	{
		id: 'odd-name',
		// Spaces, Chinese and a path climb: only a name to the page, never a path.
		name: '../会议 录音 第1段.wav',
		mimeType: 'audio/wav',
		expected: { kind: 'transcript', heard: /greasy wash water/i },
		make: async (file) => copyFileSync(await evalAudioPath(TIMIT), file)
	}
];

/** A good file to drop after each case: the page must still transcribe it. */
export const GOOD_FILE = { file: TIMIT, heard: /greasy wash water/i };

/** Writes a case into `dir` and returns its path on disk. */
export async function makeCase(entry: PageCase, dir: string): Promise<string> {
	mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${entry.id}${path.extname(entry.name)}`);
	await entry.make(file);
	return file;
}
