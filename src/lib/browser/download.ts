/** @file Saves text or a blob as a file through the browser's download. */

export function saveFile(fileName: string, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = fileName;
	link.click();
	// The click has handed the blob to the download by the next task; free it then.
	setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function saveTextFile(fileName: string, text: string, mimeType: string): void {
	saveFile(fileName, new Blob([text], { type: mimeType }));
}

/** "talk.final.mp3" → "talk.final.srt" */
export function outputFileName(mediaName: string, extension: string): string {
	const base = mediaName.replace(/\.[^./\\]+$/, '') || 'transcript';
	return `${base}.${extension}`;
}
