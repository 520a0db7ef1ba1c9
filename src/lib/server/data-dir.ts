/**
 * @file Start-up checks of the folders the server writes (DATA_DIR for tasks, UPLOAD_DIR for
 * uploads): each must exist or be creatable, be writable by this user, and have room. Otherwise
 * the server stops at once with what is wrong and how to fix it, instead of failing the first
 * upload, or SQLite failing mid-task.
 */
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Below this much free space, a task's upload or result may not fit. */
export const MIN_FREE_BYTES = 100 * 1024 * 1024;

const REASONS: Readonly<Record<string, string>> = {
	EACCES: 'this user may not write there',
	EPERM: 'this user may not write there',
	EROFS: 'it is on a read-only file system',
	ENOSPC: 'the disk is full',
	EDQUOT: "the user's disk quota is used up",
	ENOTDIR: 'a part of the path is a file, not a folder',
	EEXIST: 'a file of that name is in the way'
};

/** What stops the server writing to `dir` (named by its setting), or null when it can. */
export function folderProblem(setting: string, dir: string, freeBytes: (dir: string) => number = freeSpace): string | null {
	const probe = path.join(dir, `.koe-write-check-${process.pid}`);
	try {
		mkdirSync(dir, { recursive: true });
		writeFileSync(probe, 'ok');
		rmSync(probe, { force: true });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? '';
		const user = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
		const why = REASONS[code] ?? (error as Error).message;
		return `${setting}=${dir} cannot be written: ${why}${code ? ` (${code})` : ''}. Point ${setting} at a folder this user${user} can write, or fix the folder's owner and permissions.`;
	}
	const free = freeBytes(dir);
	if (free < MIN_FREE_BYTES) {
		return `${setting}=${dir} has only ${Math.floor(free / 1024 / 1024)} MB free; Koe needs at least ${MIN_FREE_BYTES / 1024 / 1024} MB there for uploads and results. Free some space or point ${setting} at a larger disk.`;
	}
	return null;
}

function freeSpace(dir: string): number {
	const stats = statfsSync(dir);
	return stats.bavail * stats.bsize;
}

/** Stops the process when a folder the server writes cannot be written. */
export function stopUnlessWritable(folders: ReadonlyArray<readonly [setting: string, dir: string]>): void {
	for (const [setting, dir] of folders) {
		const problem = folderProblem(setting, dir);
		if (problem) {
			console.error(`Koe cannot start: ${problem}`);
			process.exit(1);
		}
	}
}
