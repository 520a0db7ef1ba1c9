import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { receiveUpload } from '$lib/server/upload';

/** A multipart request as fetch sends it: the file name raw UTF-8 in the part's header. */
function request(fileName: string): Request {
	const form = new FormData();
	form.append('audio_file', new Blob([new Uint8Array([1, 2, 3, 4])]), fileName);
	return new Request('http://localhost/asr', { method: 'POST', body: form });
}

describe("an upload's file name", () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'koe-upload-'));
	const receive = (fileName: string) => receiveUpload(request(fileName), { fileFields: ['audio_file'], maxBytes: 1024, dir });

	it('keeps non-ASCII characters (sent as UTF-8, not read as Latin-1)', async () => {
		const upload = await receive('会议 录音.wav');
		expect(upload.fileName).toBe('会议 录音.wav');
		rmSync(upload.path);
	});

	it('is the last part of a path, and the file is written in the upload folder under a name of its own', async () => {
		for (const [sent, kept] of [
			['../../../escape.wav', 'escape.wav'],
			['..\\..\\escape.wav', 'escape.wav'],
			['..', 'upload'],
			['../', 'upload']
		] as const) {
			const upload = await receive(sent);
			expect(upload.fileName, sent).toBe(kept);
			expect(path.dirname(upload.path)).toBe(dir);
			expect(readdirSync(dir)).toEqual([path.basename(upload.path)]);
			rmSync(upload.path);
		}
		expect(readdirSync(path.dirname(dir)).filter((name) => name.includes('escape'))).toEqual([]);
	});
});
