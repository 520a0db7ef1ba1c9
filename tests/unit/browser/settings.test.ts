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
			beamSize: 5,
			simplifiedChinese: true,
			uiLocale: 'zh-CN',
			route: 'server'
		};
		expect(sanitizeSettings(stored)).toEqual(stored);
	});

	it('falls back to defaults for missing, stale or hostile values', () => {
		expect(sanitizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
		expect(
			sanitizeSettings({ model: 'whisper-9000', task: 'summarize', language: '<script>', wordTimestamps: 'yes', beamSize: 3 })
		).toEqual(DEFAULT_SETTINGS);
		expect(sanitizeSettings({ model: 'tiny.en', initialPrompt: 'x'.repeat(5000) })).toEqual({ ...DEFAULT_SETTINGS, model: 'tiny.en' });
	});
});
