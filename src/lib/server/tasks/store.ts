/**
 * @file The persistent task store: one SQLite table (better-sqlite3, WAL) in `<dataDir>/koe.db`
 * that holds every API task from upload to expiry, so tasks survive a restart and unfinished
 * ones can resume. The store only records state; scheduling lives in queue.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { StoredError } from '../errors';

export const TASK_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A failed task's error, as the API reports it (see ../errors.ts). */
export type TaskError = StoredError;

export interface TaskRecord {
	/** crypto.randomUUID() */
	id: string;
	status: TaskStatus;
	/** What to run, e.g. 'asr' — opaque to the store. */
	kind: string;
	/** The request's parsed options, stored as JSON — opaque to the store. */
	params: unknown;
	/** Path of the uploaded media file on disk (owned by the task: deleted with it). */
	inputPath: string;
	/** The name the client gave the upload. */
	inputName: string;
	/** 0..1 */
	progress: number;
	/** Stored as JSON; null until done. */
	result: unknown;
	error: TaskError | null;
	/** Milliseconds since the epoch. */
	createdAt: number;
	updatedAt: number;
	finishedAt: number | null;
}

export interface NewTask {
	kind: string;
	params: unknown;
	inputPath: string;
	inputName: string;
}

/** The columns as SQLite returns them. */
interface TaskRow {
	id: string;
	status: TaskStatus;
	kind: string;
	params: string;
	input_path: string;
	input_name: string;
	progress: number;
	result: string | null;
	error: string | null;
	created_at: number;
	updated_at: number;
	finished_at: number | null;
}

/** Bump with a migration step in migrate() whenever the schema changes. */
const SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
	CREATE TABLE IF NOT EXISTS tasks (
		id TEXT PRIMARY KEY,
		status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
		kind TEXT NOT NULL,
		params TEXT NOT NULL,
		input_path TEXT NOT NULL,
		input_name TEXT NOT NULL,
		progress REAL NOT NULL DEFAULT 0,
		result TEXT,
		error TEXT,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		finished_at INTEGER
	);
	CREATE INDEX IF NOT EXISTS tasks_status_created ON tasks (status, created_at);
	CREATE INDEX IF NOT EXISTS tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;
`;

/** Rows created in the same millisecond keep their insertion order through the rowid. */
const SELECT_COLUMNS =
	'SELECT id, status, kind, params, input_path, input_name, progress, result, error, created_at, updated_at, finished_at FROM tasks';

function toJson(value: unknown): string {
	// undefined has no JSON form; null is what a reader gets back for it anyway.
	return JSON.stringify(value ?? null);
}

function fromJson(text: string | null): unknown {
	return text === null ? null : JSON.parse(text);
}

function toRecord(row: TaskRow): TaskRecord {
	return {
		id: row.id,
		status: row.status,
		kind: row.kind,
		params: fromJson(row.params),
		inputPath: row.input_path,
		inputName: row.input_name,
		progress: row.progress,
		result: fromJson(row.result),
		error: fromJson(row.error) as TaskError | null,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		finishedAt: row.finished_at
	};
}

function clampFraction(value: number): number {
	if (!Number.isFinite(value)) return 0;
	return Math.min(1, Math.max(0, value));
}

function migrate(db: Database.Database): void {
	const version = db.pragma('user_version', { simple: true }) as number;
	if (version > SCHEMA_VERSION) {
		// A newer Koe wrote this file; guessing at its layout could corrupt it.
		throw new Error(`The task database has schema version ${version}; this server knows up to ${SCHEMA_VERSION}.`);
	}
	if (version < 1) {
		db.transaction(() => {
			db.exec(SCHEMA_V1);
			db.pragma('user_version = 1');
		})();
	}
}

export class TaskStore {
	readonly #db: Database.Database;
	readonly #now: () => number;
	readonly #insert: Database.Statement<[TaskRow]>;
	readonly #select: Database.Statement<[string], TaskRow>;
	readonly #markRunning: Database.Statement<[number, string]>;
	readonly #requeue: Database.Statement<[number, string]>;
	readonly #setProgress: Database.Statement<[number, number, string]>;
	readonly #finish: Database.Statement<[string, number, number, string]>;
	readonly #fail: Database.Statement<[string, number, number, string]>;
	readonly #unfinished: Database.Statement<[], TaskRow>;
	readonly #expired: Database.Statement<[number], TaskRow>;
	readonly #delete: Database.Statement<[string]>;

	/** `now` is the clock for timestamps; tests pass their own to age tasks without waiting. */
	constructor(dataDir: string, now: () => number = Date.now) {
		mkdirSync(dataDir, { recursive: true });
		this.#now = now;
		this.#db = new Database(path.join(dataDir, 'koe.db'));
		// WAL lets readers (polling GET /tasks) proceed while a job writes progress.
		this.#db.pragma('journal_mode = WAL');
		this.#db.pragma('busy_timeout = 5000');
		migrate(this.#db);

		this.#insert = this.#db.prepare(
			`INSERT INTO tasks (id, status, kind, params, input_path, input_name, progress, result, error, created_at, updated_at, finished_at)
			 VALUES (@id, @status, @kind, @params, @input_path, @input_name, @progress, @result, @error, @created_at, @updated_at, @finished_at)`
		);
		this.#select = this.#db.prepare(`${SELECT_COLUMNS} WHERE id = ?`);
		this.#markRunning = this.#db.prepare(
			"UPDATE tasks SET status = 'running', progress = 0, updated_at = ? WHERE id = ? AND status IN ('queued', 'running')"
		);
		this.#requeue = this.#db.prepare(
			"UPDATE tasks SET status = 'queued', progress = 0, updated_at = ? WHERE id = ? AND status IN ('queued', 'running')"
		);
		// A late progress report must not reopen a finished task.
		this.#setProgress = this.#db.prepare("UPDATE tasks SET progress = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'running')");
		this.#finish = this.#db.prepare(
			"UPDATE tasks SET status = 'done', progress = 1, result = ?, error = NULL, updated_at = ?, finished_at = ? WHERE id = ?"
		);
		this.#fail = this.#db.prepare(
			"UPDATE tasks SET status = 'failed', result = NULL, error = ?, updated_at = ?, finished_at = ? WHERE id = ?"
		);
		this.#unfinished = this.#db.prepare(`${SELECT_COLUMNS} WHERE status IN ('queued', 'running') ORDER BY created_at, rowid`);
		this.#expired = this.#db.prepare(
			`${SELECT_COLUMNS} WHERE status IN ('done', 'failed') AND finished_at < ? ORDER BY finished_at, rowid`
		);
		this.#delete = this.#db.prepare('DELETE FROM tasks WHERE id = ?');
	}

	/** Records a new task, queued. */
	create(task: NewTask): TaskRecord {
		const now = this.#now();
		const row: TaskRow = {
			id: randomUUID(),
			status: 'queued',
			kind: task.kind,
			params: toJson(task.params),
			input_path: task.inputPath,
			input_name: task.inputName,
			progress: 0,
			result: null,
			error: null,
			created_at: now,
			updated_at: now,
			finished_at: null
		};
		this.#insert.run(row);
		return toRecord(row);
	}

	get(id: string): TaskRecord | undefined {
		const row = this.#select.get(id);
		return row && toRecord(row);
	}

	/** A (re)started run begins from zero progress. */
	markRunning(id: string): void {
		this.#markRunning.run(this.#now(), id);
	}

	/** Puts an interrupted task back in line; its progress starts over with the next run. */
	requeue(id: string): void {
		this.#requeue.run(this.#now(), id);
	}

	setProgress(id: string, progress: number): void {
		this.#setProgress.run(clampFraction(progress), this.#now(), id);
	}

	finish(id: string, result: unknown): void {
		const now = this.#now();
		this.#finish.run(toJson(result), now, now, id);
	}

	fail(id: string, error: TaskError): void {
		const now = this.#now();
		this.#fail.run(toJson(error), now, now, id);
	}

	/** Queued and running tasks, oldest first. */
	unfinished(): TaskRecord[] {
		return this.#unfinished.all().map(toRecord);
	}

	/** Done and failed tasks that finished more than ttlMs before now. */
	expired(now: number, ttlMs: number): TaskRecord[] {
		return this.#expired.all(now - ttlMs).map(toRecord);
	}

	/** How many tasks are in each status (for /health and /metrics). */
	counts(): Record<TaskStatus, number> {
		const counts: Record<TaskStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
		for (const { status, n } of this.#db.prepare('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status').all() as Array<{
			status: TaskStatus;
			n: number;
		}>) {
			counts[status] = n;
		}
		return counts;
	}

	/** Removes the record only; the caller owns deleting the input file. */
	delete(id: string): boolean {
		return this.#delete.run(id).changes > 0;
	}

	close(): void {
		if (this.#db.open) this.#db.close();
	}
}
