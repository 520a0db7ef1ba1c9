/**
 * @file The interface in English and Simplified Chinese: it follows the browser's language and
 * can be switched, and the choice is remembered.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { option } from '../support/options';

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'the interface language does not depend on the device');
});

test.use({ locale: 'zh-CN' });

test('speaks Simplified Chinese to a Chinese browser, and English when switched', async ({ page }, testInfo) => {
	await page.goto('/');
	await expect(page.getByTestId('ui-language')).toHaveValue('zh-CN');
	await expect(page.locator('.tagline')).toHaveText('在你自己的设备上把音频和视频转成文字和字幕。不上传任何内容。');
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page.getByTestId('record-start')).toHaveText('● 用麦克风录音');

	const notMedia = testInfo.outputPath('notes.txt');
	writeFileSync(notMedia, '会议记录，不是录音。\n');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(notMedia);
	await expect(page.getByTestId('error')).toHaveText('Koe 无法把此文件读作音频或视频。文件可能已损坏，或格式不受 ffmpeg 支持。');

	await page.getByTestId('ui-language').selectOption('en');
	await expect(page.getByTestId('error')).toContainText('could not read this file as audio or video');
	await page.reload();
	await expect(page.getByTestId('ui-language')).toHaveValue('en');
	await expect(page.getByTestId('record-start')).toHaveText('● Record from microphone');
});
