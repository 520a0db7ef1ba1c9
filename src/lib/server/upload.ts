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
import { ApiError } from './api/errors';

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

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

function tooLarge(maxBytes: number): ApiError {
	return new ApiError(413, `The upload is larger than this server accepts (${megabytes(maxBytes)}, MAX_UPLOAD_MB).`, null, 'file_too_large', {
		Connection: 'close'
	});
}

/** Reads a multipart request; rejects with an ApiError a client can act on. */
export async function receiveUpload(request: Request, { fileFields, maxBytes, dir }: UploadOptions): Promise<Upload> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data\b/i.test(contentType) || !request.body) {
		throw new ApiError(
			415,
			`Send the media as multipart/form-data with a file field "${fileFields[0]}" (got ${contentType ? `"${contentType}"` : 'no Content-Type'}).`,
			fileFields[0]
		);
	}
	// Multipart framing adds a little; a declared length far past the limit is refused unread.
	if (Number(request.headers.get('content-length')) > maxBytes + 64 * 1024) throw tooLarge(maxBytes);

	mkdirSync(dir, { recursive: true });
	const target = path.join(dir, randomUUID());
	const fields: Upload['fields'] = {};
	let file: { fileName: string; mimeType: string; written: Promise<void>; size: number; truncated: boolean } | undefined;

	let parser: busboy.Busboy;
	try {
		parser = busboy({ headers: { 'content-type': contentType }, limits: { fileSize: maxBytes, files: 4 } });
	} catch (error) {
		throw new ApiError(400, `The multipart body could not be read: ${(error as Error).message}.`);
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
		const current = { fileName: info.filename ?? 'upload', mimeType: info.mimeType, written: finished(output), size: 0, truncated: false };
		file = current;
		stream.on('data', (chunk: Buffer) => (current.size += chunk.length));
		stream.on('limit', () => (current.truncated = true));
		stream.pipe(output);
	});

	try {
		const body = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
		body.pipe(parser);
		await new Promise<void>((resolve, reject) => {
			parser.on('close', resolve);
			parser.on('error', (error: Error) => reject(new ApiError(400, `The multipart body could not be read: ${error.message}.`)));
			body.on('error', (error) => reject(new ApiError(400, `The upload was interrupted: ${error.message}.`)));
		});
		if (!file) {
			const fieldNames = Object.keys(fields);
			const hint = fieldNames.some((name) => fileFields.includes(name)) ? ' It was sent as text, not as a file.' : '';
			throw new ApiError(400, `No file in the "${fileFields[0]}" field of the form.${hint}`, fileFields[0]);
		}
		await file.written;
		if (file.truncated) throw tooLarge(maxBytes);
		if (file.size === 0) throw new ApiError(400, 'The uploaded file is empty.', fileFields[0]);
		return { path: target, fileName: file.fileName, mimeType: file.mimeType, size: file.size, fields };
	} catch (error) {
		rmSync(target, { force: true });
		throw error;
	}
}
