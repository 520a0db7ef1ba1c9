import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, sanitizeSettings } from '$lib/browser/settings.svelte';

describe('stored settings', () => {
	it('keeps valid values', () => {
		const stored = {
			model: 'base',
			task: 'translate',
			language: 'de',
			initialPrompt: 'Koe, Whisper',
			wordTimestamps: true,
			vadFilter: false,
			beamSize: 5,
			simplifiedChinese: true,
			uiLocale: 'zh-CN',
			route: 'server',
			layout: { subtitleCues: 'words', maxLineWidth: 32, maxLineCount: 1, maxCueSeconds: 5, maxCharsPerSecond: null, highlightWords: true },
			optionsOpen: true,
			liveCaptions: false
		};
		expect(sanitizeSettings(stored)).toEqual(stored);
	});

	it('falls back to defaults for missing, stale or hostile values', () => {
		expect(sanitizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
		expect(
			sanitizeSettings({
				model: 'whisper-9000',
				task: 'summarize',
				language: '<script>',
				wordTimestamps: 'yes',
				beamSize: 3,
				optionsOpen: 'yes'
			})
		).toEqual(DEFAULT_SETTINGS);
		expect(sanitizeSettings({ model: 'tiny.en', initialPrompt: 'x'.repeat(5000) })).toEqual({ ...DEFAULT_SETTINGS, model: 'tiny.en' });
		// Each layout value is checked against its row of the options table.
		expect(
			sanitizeSettings({ layout: { maxLineWidth: 0, maxLineCount: 2.5, maxCueSeconds: '7', highlightWords: 1, subtitleCues: 'lines' } })
		).toEqual(DEFAULT_SETTINGS);
		expect(sanitizeSettings({ layout: { maxLineCount: 3 } }).layout).toEqual({ ...DEFAULT_SETTINGS.layout, maxLineCount: 3 });
	});
});
