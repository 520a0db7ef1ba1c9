import { describe, expect, it } from 'vitest';
import { extensionForMimeType, pickRecordingType } from '$lib/browser/recording-format';

describe('microphone recording formats', () => {
	it('names files after the container each browser records', () => {
		expect(extensionForMimeType('audio/webm;codecs=opus')).toBe('webm'); // Chromium, Firefox
		expect(extensionForMimeType('audio/mp4')).toBe('m4a'); // Safari
		expect(extensionForMimeType('audio/mp4;codecs=mp4a.40.2')).toBe('m4a');
		expect(extensionForMimeType('audio/ogg; codecs=opus')).toBe('ogg');
	});

	it('prefers WebM/Opus and falls back to MP4 where only that is supported (Safari)', () => {
		expect(pickRecordingType(() => true)).toBe('audio/webm;codecs=opus');
		expect(pickRecordingType((type) => type === 'audio/mp4')).toBe('audio/mp4');
		expect(pickRecordingType(() => false)).toBe('');
	});
});
