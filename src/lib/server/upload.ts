/**
 * @file Multipart uploads streamed to disk with busboy: the media never sits whole in memory,
 * and an upload over the size limit is cut off (413) as soon as it passes the limit.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { apiError } from './errors';

export interface Upload {
	/** Where the file was written; the caller owns it (and deletes it). */
	path: string;
	/** The name the client gave the file. */
	fileName: string;
	mimeType: string;
	size: number;
	/** The other form fields; a repeated name gives a list. */
	fields: Record<string, string | string[]>;
}

export interface UploadOptions {
	/** File field names, preferred first (`audio_file`, then its alias `file`). */
	fileFields: readonly string[];
	maxBytes: number;
	dir: string;
}

/** Reads a multipart request; rejects with an ApiError (errors.ts) a client can act on. */
export async function receiveUpload(request: Request, { fileFields, maxBytes, dir }: UploadOptions): Promise<Upload> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data\b/i.test(contentType) || !request.body) {
		throw apiError('not_multipart', { field: fileFields[0]!, contentType: contentType || null });
	}
	// Multipart framing adds a little; a declared length far past the limit is refused unread.
	if (Number(request.headers.get('content-length')) > maxBytes + 64 * 1024) throw apiError('file_too_large', { maxBytes });

	mkdirSync(dir, { recursive: true });
	const target = path.join(dir, randomUUID());
	const fields: Upload['fields'] = {};
	let file: { fileName: string; mimeType: string; written: Promise<void>; size: number; truncated: boolean } | undefined;

	let parser: busboy.Busboy;
	try {
		// Browsers, curl and undici send a file name as raw UTF-8 (busboy's default reads it as latin1).
		// busboy keeps only its last path part: "../../x.wav" is "x.wav".
		parser = busboy({ headers: { 'content-type': contentType }, defParamCharset: 'utf8', limits: { fileSize: maxBytes, files: 4 } });
	} catch (error) {
		throw apiError('unreadable_body', { reason: (error as Error).message });
	}
	parser.on('field', (name, value) => {
		const previous = fields[name];
		fields[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
	});
	parser.on('file', (name, stream, info) => {
		// The first file under a known name wins; anything else is drained and dropped.
		if (file || !fileFields.includes(name)) {
			stream.resume();
			return;
		}
		const output = createWriteStream(target);
		// A name that was only a path ("../", "..") is empty once busboy has cut it.
		const current = { fileName: info.filename || 'upload', mimeType: info.mimeType, written: finished(output), size: 0, truncated: false };
		file = current;
		stream.on('data', (chunk: Buffer) => (current.size += chunk.length));
		stream.on('limit', () => (current.truncated = true));
		// A file that cannot be written (a full or unwritable folder) must not stall the request:
		// the rest of the part is drained, and awaiting `written` reports the error.
		output.on('error', () => stream.resume());
		stream.pipe(output);
	});

	try {
		const body = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
		body.pipe(parser);
		await new Promise<void>((resolve, reject) => {
			parser.on('close', resolve);
			parser.on('error', (error: Error) => reject(apiError('unreadable_body', { reason: error.message })));
			body.on('error', (error) => reject(apiError('unreadable_body', { reason: `the upload was interrupted (${error.message})` })));
		});
		if (!file) {
			const sentAsText = Object.keys(fields).some((name) => fileFields.includes(name));
			throw apiError('missing_file', { field: fileFields[0]!, sentAsText });
		}
		await file.written;
		if (file.truncated) throw apiError('file_too_large', { maxBytes });
		if (file.size === 0) throw apiError('empty_file', { field: fileFields[0]! });
		return { path: target, fileName: file.fileName, mimeType: file.mimeType, size: file.size, fields };
	} catch (error) {
		rmSync(target, { force: true });
		throw error;
	}
}
