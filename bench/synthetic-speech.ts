/**
 * @file A larger English set for `npm run bench -- --set synthetic`: the GPL-3 and Apache-2.0
 * texts every Debian machine has in /usr/share/common-licenses, cut into passages of about
 * 45 words and read by flite's four English voices (34 minutes, 5,556 words, 82 passages of
 * 15 s to 73 s; 15 of them longer than one 30 s window).
 *
 * The eval recordings are a handful of short clips: one 11-word sentence (TIMIT) is a quarter
 * of base's mean error rate, and the long file is the same 83 s eight times over, so one window
 * that loops decides a run's time. This set is distinct speech with exact references, enough
 * to tell a change of a point from noise. It is synthetic speech, easier than people talking:
 * read its error rates beside each other, not as Koe's accuracy. Made once, under
 * $KOE_CACHE/bench/synthetic-<hash of the recipe>, from a machine without a network.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDirFrom } from '../src/lib/server/config';
import { audioSeconds, type WorkItem } from './workload';

const TEXTS = ['/usr/share/common-licenses/GPL-3', '/usr/share/common-licenses/Apache-2.0'];
const VOICES = ['slt', 'rms', 'awb', 'kal16'];
/** A passage closes at the first sentence end after this many words. */
const PASSAGE_WORDS = 45;

/** Sentences of plain words: markup, numbers and symbols a reader would not say as written are left out. */
function passages(text: string): string[] {
	const prose = text
		.replace(/<[^>]*>/g, ' ')
		.replace(/[^A-Za-z0-9.,;:!?'" ()-]/g, ' ')
		.replace(/\s+/g, ' ');
	const sentences = prose
		.split(/(?<=[.!?])\s+/)
		.map((s) => s.trim())
		.filter((s) => s.split(' ').length >= 4 && !/\d/.test(s));
	const out: string[] = [];
	let current: string[] = [];
	for (const sentence of sentences) {
		current.push(sentence);
		if (current.join(' ').split(' ').length >= PASSAGE_WORDS) {
			out.push(current.join(' '));
			current = [];
		}
	}
	return out;
}

export async function syntheticWorkload(): Promise<WorkItem[]> {
	const missing = TEXTS.filter((file) => !existsSync(file));
	if (missing.length > 0) throw new Error(`The synthetic set reads ${missing.join(', ')}, which this machine lacks.`);
	const text = TEXTS.map((file) => readFileSync(file, 'utf8')).join('\n');
	const recipe = createHash('sha256').update(JSON.stringify({ text, VOICES, PASSAGE_WORDS })).digest('hex').slice(0, 16);
	const dir = path.join(cacheDirFrom(process.env), 'bench', `synthetic-${recipe}`);
	const index = path.join(dir, 'passages.json');
	if (!existsSync(index)) {
		try {
			execFileSync('flite', ['-lv'], { stdio: 'ignore' });
		} catch {
			throw new Error('The synthetic set needs flite to be made (Debian: apt-get install flite).');
		}
		mkdirSync(dir, { recursive: true });
		const made = passages(text).map((reference, i) => {
			const voice = VOICES[i % VOICES.length]!;
			const file = path.join(dir, `passage-${String(i).padStart(3, '0')}-${voice}.wav`);
			const raw = path.join(dir, 'flite.wav');
			execFileSync('flite', ['-voice', voice, '-t', reference, '-o', raw]);
			execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', raw, '-ar', '16000', '-ac', '1', file]);
			return { name: path.basename(file), path: file, language: 'en', audioSeconds: audioSeconds(file), reference };
		});
		// Written last, through a rename: an interrupted build leaves no index and starts again.
		writeFileSync(`${index}.partial`, JSON.stringify(made));
		renameSync(`${index}.partial`, index);
	}
	return JSON.parse(readFileSync(index, 'utf8')) as WorkItem[];
}
