import { describe, expect, it } from 'vitest';
import { containerLanguage, SUBTITLE_TRACKS } from '$lib/browser/mux';

describe('subtitle tracks in a video', () => {
	it("tags a track with the three letters of Whisper's language, as each container spells it", () => {
		expect(containerLanguage('en', 'iso6392T')).toBe('eng');
		expect(containerLanguage('zh', 'iso6392T')).toBe('zho'); // MP4: terminology code
		expect(containerLanguage('zh', 'iso6392B')).toBe('chi'); // Matroska: bibliographic code
		expect(containerLanguage('de', 'iso6392B')).toBe('ger');
		expect(containerLanguage('jw', 'iso6392B')).toBe('jav'); // Whisper's own code for Javanese
		expect(containerLanguage('haw', 'iso6392B')).toBe('haw');
		expect(containerLanguage('yue', 'iso6392T')).toBe('yue');
		expect(containerLanguage(null, 'iso6392T')).toBe('und');
	});

	it('gives each container a subtitle codec it can carry', () => {
		expect(SUBTITLE_TRACKS.mp4!.codec).toBe('mov_text');
		expect(SUBTITLE_TRACKS.mkv!.codec).toBe('srt');
		expect(SUBTITLE_TRACKS.webm).toMatchObject({ codec: 'webvtt', format: 'vtt' });
	});
});
