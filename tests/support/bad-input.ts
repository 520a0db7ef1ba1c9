/**
 * @file The bad-input corpus (issue 13): files a careless or hostile client sends, made at test
 * time with ffmpeg from the eval recordings (no binary is committed) and cached in
 * $KOE_CACHE/corpus under a hash of their recipe. One table, CORPUS: each case's name, how it
 * is made, the name it is sent under, and what each route must answer on a tiny.en server.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { cacheDirFrom } from '../../src/lib/server/config';
import type { ErrorCode } from '../../src/lib/server/errors';
import { evalAudioPath, recording } from './eval-audio';

/** The routes every case goes through: POST /asr, /asr/async then GET /tasks/{id}, /v1/audio/transcriptions, /detect-language. */
export const ROUTES = ['asr', 'async', 'openai', 'detect'] as const;
export type Route = (typeof ROUTES)[number];

/** The model the answers are written for: English-only, so /detect-language hears English in anything it can decode. */
export const CORPUS_MODEL = 'tiny.en';

/** "Empty or near-empty": a transcript of at most this many words (Whisper may keep one on silence, see below). */
export const NEAR_EMPTY_WORDS = 2;

/** A stretch of real speech placed in a long file, and where it must come back. */
export interface Passage {
	recording: string;
	/** Seconds from the start of the file. */
	at: number;
}

export type Answer =
	/** A refusal with this code (its status is the code's row in errors.ts), and a message saying this. */
	| { error: ErrorCode; says: RegExp }
	/** A transcript of at most NEAR_EMPTY_WORDS words: nothing invented. */
	| { nothing: true }
	/** A transcript whose text matches. */
	| { text: RegExp }
	/** Exactly these passages, each at its time (±PASSAGE_TOLERANCE_S) with its words. */
	| { passages: readonly Passage[] }
	/** /detect-language's answer. */
	| { language: string };

type Inputs = (file: string) => string;

/** How a file is made: its bytes, or ffmpeg's arguments before the output path. `input(file)` is an eval recording's path. */
export type Recipe = { bytes: (input: Inputs) => string | Uint8Array } | { ffmpeg: (input: Inputs) => string[] };

export interface CorpusCase {
	name: string;
	/** What the file is, in words. */
	description: string;
	/** The name the client gives the file. */
	fileName: string;
	/** The eval recordings the recipe reads. */
	inputs: readonly string[];
	recipe: Recipe;
	answers: Readonly<Record<Route, Answer>>;
	/** How long one route may take, in seconds, before it counts as a hang. */
	limitSeconds: number;
	/** Only run when this environment variable is set (files that take many minutes). */
	optIn?: string;
}

const SILENT = '-f lavfi -i anullsrc=r=16000:cl=mono'.split(' ');
const ENGLISH: Answer = { language: 'en' };
const everyRoute = (answer: Answer): Record<Route, Answer> => ({ asr: answer, async: answer, openai: answer, detect: answer });
const transcribed = (answer: Answer): Record<Route, Answer> => ({ ...everyRoute(answer), detect: ENGLISH });

const NOT_MEDIA: Answer = { error: 'unsupported_media', says: /could not be decoded as audio or video: it is not a media format/ };
const NO_TRACK: Answer = { error: 'no_audio_track', says: /has no audio track/ };
const JFK_WORDS = /and so my fellow americans,? ask not what your country can do for you/i;

/** A chord progression (C, F, G, A♭ over 220 Hz) of pure sines, with a kick drum every half second: music without a voice. */
const CHORDS = (() => {
	const root = '(220*pow(2,(5*eq(mod(floor(t/2),4),1)+7*eq(mod(floor(t/2),4),2)+9*eq(mod(floor(t/2),4),3))/12))';
	const chord = [1, 1.25992, 1.49831].map((ratio) => `sin(2*PI*${ratio}*${root}*t)`).join('+');
	return `0.12*(${chord})*(0.6+0.4*exp(-6*mod(t,0.5)))+0.5*sin(2*PI*55*t)*exp(-25*mod(t,0.5))`;
})();

/** Silence of `seconds` with three recordings in it: at the start, the middle and the end. */
function longFile(seconds: number, optIn?: string): Pick<CorpusCase, 'inputs' | 'recipe' | 'answers' | 'limitSeconds' | 'optIn'> {
	const files = ['en_jfk.wav', 'en_librispeech_2412-153948-0000.flac', 'en_ldc93s1_timit.wav'] as const;
	const last = recording(files[2]);
	const at = [0, seconds / 2, seconds - Math.ceil(last.durationSeconds) - 1];
	// Each recording padded with silence up to where the next starts (16 kHz mono), then joined.
	const lengths = [at[1]! - at[0]!, at[2]! - at[1]!, seconds - at[2]!];
	const chains = files.map((_, i) => `[${i}:a]aresample=16000,aformat=channel_layouts=mono,apad=whole_dur=${lengths[i]}[a${i}]`);
	const filter = `${chains.join(';')};[a0][a1][a2]concat=n=3:v=0:a=1[out]`;
	return {
		inputs: files,
		recipe: {
			ffmpeg: (input) => [
				...files.flatMap((file) => ['-i', input(file)]),
				...['-filter_complex', filter, '-map', '[out]', '-c:a', 'libopus', '-b:a', '16k', '-application', 'voip', '-f', 'ogg']
			]
		},
		answers: transcribed({ passages: files.map((file, i) => ({ recording: file, at: at[i]! })) }),
		// tiny.en here: about a minute for each half hour of audio on two busy cores; twice that is a hang.
		limitSeconds: 60 + Math.round((seconds / 1800) * 150),
		optIn
	};
}

export const CORPUS: readonly CorpusCase[] = [
	{
		name: 'empty',
		description: 'a file of 0 bytes',
		fileName: 'empty.mp3',
		inputs: [],
		recipe: { bytes: () => '' },
		answers: everyRoute({ error: 'empty_file', says: /empty \(0 bytes\)/ }),
		limitSeconds: 30
	},
	{
		name: 'one-byte',
		description: 'the first byte of an mp3',
		fileName: 'one-byte.mp3',
		inputs: ['en_jfk.mp3'],
		recipe: { bytes: (input) => readFileSync(input('en_jfk.mp3')).subarray(0, 1) },
		answers: everyRoute(NOT_MEDIA),
		limitSeconds: 30
	},
	{
		name: 'truncated-mp3',
		description: 'the first half of an mp3 (cut mid-frame): what is there is transcribed',
		fileName: 'truncated.mp3',
		inputs: ['en_jfk.mp3'],
		recipe: { bytes: (input) => readFileSync(input('en_jfk.mp3')).subarray(0, 38_000) },
		answers: transcribed({ text: /^\s*and so my fellow americans/i }),
		limitSeconds: 60
	},
	{
		name: 'wav-header-only',
		description: 'a WAV header that announces no data',
		fileName: 'header-only.wav',
		inputs: [],
		recipe: { ffmpeg: () => [...SILENT, '-t', '0', '-c:a', 'pcm_s16le', '-f', 'wav'] },
		answers: everyRoute({ error: 'no_audio', says: /audio is empty: it decodes to 0 seconds/ }),
		limitSeconds: 30
	},
	{
		name: 'text-as-mp3',
		description: 'a text file named .mp3',
		fileName: 'notes.mp3',
		inputs: [],
		recipe: { bytes: () => 'Meeting notes, 3 May: not audio at all.\n'.repeat(20) },
		answers: everyRoute(NOT_MEDIA),
		limitSeconds: 30
	},
	{
		name: 'png',
		description: 'a PNG picture',
		fileName: 'cover.png',
		inputs: [],
		recipe: { ffmpeg: () => ['-f', 'lavfi', '-i', 'color=c=darkslateblue:s=64x64', '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe'] },
		answers: everyRoute(NO_TRACK),
		limitSeconds: 30
	},
	{
		name: 'video-no-audio',
		description: 'an mp4 with an H.264 video track and no audio track',
		fileName: 'screen.mp4',
		inputs: [],
		recipe: {
			ffmpeg: () => [
				'-f',
				'lavfi',
				'-i',
				'color=c=darkslateblue:s=320x240:r=5',
				'-t',
				'3',
				'-c:v',
				'libx264',
				'-pix_fmt',
				'yuv420p',
				'-an',
				'-f',
				'mp4'
			]
		},
		answers: everyRoute(NO_TRACK),
		limitSeconds: 30
	},
	{
		name: 'playlist',
		description: "an HLS playlist naming a recording on the server's disk (it must not be read)",
		fileName: 'playlist.m3u8',
		inputs: ['en_jfk.mp3'],
		recipe: { bytes: (input) => `#EXTM3U\n#EXT-X-TARGETDURATION:12\n#EXTINF:12,\n${input('en_jfk.mp3')}\n#EXT-X-ENDLIST\n` },
		answers: everyRoute(NOT_MEDIA),
		limitSeconds: 30
	},
	{
		name: 'eight-channels-96k',
		description: 'speech on 8 channels (7.1) at 96 kHz, 24-bit',
		fileName: 'surround.wav',
		inputs: ['en_jfk.wav'],
		recipe: {
			ffmpeg: (input) => [
				...['-i', input('en_jfk.wav'), '-af', `aresample=96000,pan=7.1|${[0, 1, 2, 3, 4, 5, 6, 7].map((c) => `c${c}=c0`).join('|')}`],
				...['-c:a', 'pcm_s24le', '-f', 'wav']
			]
		},
		answers: transcribed({ text: JFK_WORDS }),
		limitSeconds: 60
	},
	{
		name: 'tenth-of-a-second',
		description: '0.1 s cut from the middle of a word of real speech',
		fileName: 'blip.wav',
		inputs: ['en_jfk.wav'],
		recipe: { ffmpeg: (input) => ['-ss', '0.5', '-t', '0.1', '-i', input('en_jfk.wav'), '-c:a', 'pcm_s16le', '-f', 'wav'] },
		answers: transcribed({ nothing: true }),
		limitSeconds: 60
	},
	{
		name: 'silence-30s',
		description: '30 s of digital silence',
		fileName: 'silence.wav',
		inputs: [],
		recipe: { ffmpeg: () => [...SILENT, '-t', '30', '-c:a', 'pcm_s16le', '-f', 'wav'] },
		answers: transcribed({ nothing: true }),
		limitSeconds: 60
	},
	{
		name: 'white-noise',
		description: '30 s of loud white noise',
		fileName: 'noise.wav',
		inputs: [],
		recipe: { ffmpeg: () => ['-f', 'lavfi', '-i', 'anoisesrc=d=30:c=white:r=16000:a=0.3:seed=42', '-c:a', 'pcm_s16le', '-f', 'wav'] },
		answers: transcribed({ nothing: true }),
		limitSeconds: 60
	},
	{
		name: 'music',
		description: '30 s of chords of sines with a beat, no voice (stereo mp3)',
		fileName: 'music.mp3',
		inputs: [],
		recipe: {
			ffmpeg: () => [
				'-f',
				'lavfi',
				'-i',
				`aevalsrc=exprs='${CHORDS}':s=44100:d=30`,
				'-ac',
				'2',
				'-c:a',
				'libmp3lame',
				'-b:a',
				'128k',
				'-f',
				'mp3'
			]
		},
		answers: transcribed({ nothing: true }),
		limitSeconds: 60
	},
	{
		name: 'half-hour-opus',
		description: '30 minutes of opus silence with speech at the start, the middle and the end',
		fileName: 'half-hour.opus',
		...longFile(1800)
	},
	{
		name: 'three-hour-opus',
		description: '3 hours of opus silence with speech at the start, the middle and the end (KOE_BAD_INPUT_3H=1)',
		fileName: 'three-hours.opus',
		...longFile(3 * 3600, 'KOE_BAD_INPUT_3H')
	},
	...(
		[
			['name-spaces', 'spaces and brackets in the name', 'my talk (final) v2.wav'],
			['name-chinese', 'Chinese characters and a space in the name', '会议 录音.wav'],
			['name-parent-path', 'a name that climbs out of the folder', '../../../koe-escape.wav'],
			['name-windows-path', 'a Windows path that climbs out of the folder', '..\\..\\koe-escape.wav'],
			['name-dot-dot', 'a name that is only ".."', '..']
		] as const
	).map(([name, description, fileName]): CorpusCase => ({
		name,
		description: `real speech, ${description}`,
		fileName,
		inputs: ['en_jfk.wav'],
		recipe: { ffmpeg: (input) => ['-i', input('en_jfk.wav'), '-c:a', 'pcm_s16le', '-f', 'wav'] },
		answers: transcribed({ text: JFK_WORDS }),
		limitSeconds: 60
	}))
];

/** How far a passage may start or end from where it was put, in seconds. */
export const PASSAGE_TOLERANCE_S = 2;

/** The name a client's file name must come back as (Content-Disposition of /asr): its last path part, or "upload". */
export function expectedName(fileName: string): string {
	const last = fileName.split(/[/\\]/).pop()!;
	return last === '' || last === '.' || last === '..' ? 'upload' : last;
}

const corpusDir = () => path.join(cacheDirFrom(process.env), 'corpus');

/**
 * The case's file, made once and kept in the cache under a hash of what made it (the bytes, or
 * ffmpeg's arguments); written under a temporary name first, so that a run stopped halfway
 * leaves no half file.
 */
export async function corpusFile(entry: CorpusCase): Promise<string> {
	const paths = new Map<string, string>();
	for (const file of entry.inputs) paths.set(file, await evalAudioPath(file));
	const input: Inputs = (file) => {
		const found = paths.get(file);
		if (!found) throw new Error(`${entry.name} reads ${file}: list it in its inputs`);
		return found;
	};
	const made = 'bytes' in entry.recipe ? entry.recipe.bytes(input) : null;
	const args = 'ffmpeg' in entry.recipe ? entry.recipe.ffmpeg(input) : null;
	const key = createHash('sha256')
		.update(made ?? JSON.stringify(args))
		.digest('hex')
		.slice(0, 16);
	const target = path.join(corpusDir(), `${entry.name}-${key}`);
	if (existsSync(target)) return target;
	mkdirSync(corpusDir(), { recursive: true });
	const partial = `${target}.partial`;
	if (made !== null) writeFileSync(partial, made);
	// Not execFileSync: minutes of a blocked event loop would stall the test's own connections.
	else await promisify(execFile)('ffmpeg', ['-nostdin', '-v', 'error', ...args!, '-y', partial]);
	renameSync(partial, target);
	return target;
}
