/**
 * @file The evaluation recordings (real speech with reference transcripts). Tests read them from
 * ../shared/eval-audio (or $KOE_EVAL_AUDIO); where that folder is absent, as in a user's clone,
 * each file is fetched once from its public source into the cache and checked against SHA256SUMS.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirFrom } from '../../src/lib/server/config';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharedDir = process.env.KOE_EVAL_AUDIO || path.resolve(repoRoot, '../shared/eval-audio');
const cacheDir = path.join(cacheDirFrom(process.env), 'eval-audio');

export interface Recording {
	file: string;
	language: string;
	durationSeconds: number;
	sourceRepo: string;
	sourcePath: string;
	commit: string;
	reference: string;
}

// The manifest and checksums are small and change rarely; a copy ships in the repo so that a
// clone without shared/ knows what to fetch and what each file must hash to.
const metaDir = existsSync(path.join(sharedDir, 'MANIFEST.tsv')) ? sharedDir : path.join(repoRoot, 'tests/fixtures/eval-audio');

export function readManifest(): Recording[] {
	const [header, ...rows] = readFileSync(path.join(metaDir, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n');
	const columns = header!.split('\t');
	const at = (cells: string[], name: string) => cells[columns.indexOf(name)] ?? '';
	return rows.map((row) => {
		const cells = row.split('\t');
		return {
			file: at(cells, 'file'),
			language: at(cells, 'language'),
			durationSeconds: Number(at(cells, 'duration_s')),
			sourceRepo: at(cells, 'source_repo'),
			sourcePath: at(cells, 'source_path'),
			commit: at(cells, 'commit'),
			reference: at(cells, 'reference_transcript')
		};
	});
}

export function recording(file: string): Recording {
	const found = readManifest().find((entry) => entry.file === file);
	if (!found) throw new Error(`${file} is not in the eval-audio manifest`);
	return found;
}

function expectedSha256(file: string): string {
	const line = readFileSync(path.join(metaDir, 'SHA256SUMS'), 'utf8')
		.split('\n')
		.find((row) => row.trim().endsWith(`  ${file}`));
	if (!line) throw new Error(`${file} has no checksum in SHA256SUMS`);
	return line.split(/\s+/)[0]!;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The local path of an eval recording, fetching and verifying it first when needed. */
export async function evalAudioPath(file: string): Promise<string> {
	const shared = path.join(sharedDir, file);
	if (existsSync(shared)) return shared;
	const cached = path.join(cacheDir, file);
	const expected = expectedSha256(file);
	if (existsSync(cached) && sha256(readFileSync(cached)) === expected) return cached;

	const entry = recording(file);
	const url = `https://raw.githubusercontent.com/${entry.sourceRepo}/${entry.commit}/${entry.sourcePath}`;
	const response = await fetch(url);
	if (!response.ok) throw new Error(`Could not fetch ${file} from ${url}: HTTP ${response.status}`);
	const data = new Uint8Array(await response.arrayBuffer());
	const actual = sha256(data);
	if (actual !== expected) throw new Error(`${file} from ${url} has SHA-256 ${actual}, expected ${expected}`);
	mkdirSync(cacheDir, { recursive: true });
	writeFileSync(cached, data);
	return cached;
}
