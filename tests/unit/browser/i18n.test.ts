import { describe, expect, it } from 'vitest';
import { failureText, languageName, localeFor, LOCALES, roughDuration } from '$lib/browser/i18n/messages';

describe('UI language', () => {
	it('follows the browser: any Chinese → Simplified Chinese, else English', () => {
		expect(localeFor(['zh-CN', 'en'])).toBe('zh-CN');
		expect(localeFor(['zh-TW'])).toBe('zh-CN');
		expect(localeFor(['en-GB', 'zh-CN'])).toBe('en');
		expect(localeFor(['de-DE', 'fr'])).toBe('en');
		expect(localeFor([])).toBe('en');
	});

	it('has every message in both languages', () => {
		const keys = (value: object): string[] =>
			Object.entries(value).flatMap(([key, item]) =>
				typeof item === 'object' && item !== null ? keys(item).map((sub) => `${key}.${sub}`) : [key]
			);
		expect(keys(LOCALES['zh-CN']).sort()).toEqual(keys(LOCALES.en).sort());
	});

	it('names languages and durations in the UI language', () => {
		expect(languageName('de', 'en')).toBe('German');
		expect(languageName('de', 'zh-CN')).toBe('德语');
		expect(languageName('xx', 'en', 'fallback')).toBe('Fallback');
		expect(roughDuration(LOCALES.en, 42)).toBe('42 s');
		expect(roughDuration(LOCALES['zh-CN'], 150)).toBe('3 分钟');
		expect(roughDuration(LOCALES.en, 3 * 3600 + 120)).toBe('3 h 2 min');
	});

	it('words failures with their detail', () => {
		expect(failureText(LOCALES.en, { code: 'model-unavailable', detail: 'small' })).toContain('"small"');
		expect(failureText(LOCALES['zh-CN'], { code: 'mic-denied' })).toContain('麦克风访问被拒绝');
	});
});
