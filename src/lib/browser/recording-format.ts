/**
 * @file Which container MediaRecorder records in, and the file name it gets: Chromium and
 * Firefox make WebM/Opus, Safari makes MP4/AAC. Pure, so the WebKit tests can check it against
 * the engine's own answers.
 */

/** Containers in order of preference; the first the browser supports is used. */
export const RECORDING_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4', 'audio/ogg;codecs=opus'] as const;

/** File extension for a recorded MIME type (Safari reports "audio/mp4", Chromium "audio/webm;codecs=opus"). */
export function extensionForMimeType(mimeType: string): string {
	const base = mimeType.split(';')[0]!.trim().toLowerCase();
	if (base === 'audio/mp4' || base === 'video/mp4') return 'm4a';
	if (base === 'audio/ogg') return 'ogg';
	if (base === 'audio/wav' || base === 'audio/x-wav') return 'wav';
	return 'webm';
}

export function pickRecordingType(isSupported: (type: string) => boolean): string {
	return RECORDING_TYPES.find((type) => isSupported(type)) ?? '';
}
