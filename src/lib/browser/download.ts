/** @file Saves text as a file through the browser's download. */

export function saveTextFile(fileName: string, text: string, mimeType: string): void {
	const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
	const link = document.createElement('a');
	link.href = url;
	link.download = fileName;
	link.click();
	// The click has handed the blob to the download by the next task; free it then.
	setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** "talk.final.mp3" → "talk.final.srt" */
export function outputFileName(mediaName: string, extension: string): string {
	const base = mediaName.replace(/\.[^./\\]+$/, '') || 'transcript';
	return `${base}.${extension}`;
}
