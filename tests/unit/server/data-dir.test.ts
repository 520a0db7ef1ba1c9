import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderProblem, MIN_FREE_BYTES } from '$lib/server/data-dir';

describe('start-up folder checks', () => {
	const root = mkdtempSync(path.join(tmpdir(), 'koe-data-dir-'));
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	it('creates a missing folder and passes a writable one with room', () => {
		expect(folderProblem('DATA_DIR', path.join(root, 'new', 'data'))).toBeNull();
	});

	it('names the setting, the reason and the fix when the folder cannot be made', () => {
		writeFileSync(path.join(root, 'a-file'), 'x');
		const problem = folderProblem('DATA_DIR', path.join(root, 'a-file', 'data'));
		expect(problem).toContain(`DATA_DIR=${path.join(root, 'a-file', 'data')} cannot be written`);
		expect(problem).toContain('a part of the path is a file, not a folder (ENOTDIR)');
		expect(problem).toMatch(/Point DATA_DIR at a folder this user/);
	});

	it('refuses a disk without room', () => {
		const problem = folderProblem('UPLOAD_DIR', root, () => MIN_FREE_BYTES - 1);
		expect(problem).toMatch(/UPLOAD_DIR=.* has only 99 MB free; Koe needs at least 100 MB/);
	});
});
