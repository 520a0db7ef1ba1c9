/**
 * @file The page as a person first sees it, at a phone's, a tablet's and a laptop's size, in
 * English and Chinese, light and dark: the drop zone and record button come first, the options
 * sit behind a summary line, no control overlaps another or leaves the screen, and axe-core finds
 * no serious accessibility problem. Screenshots of each size go to the test's output folder.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { evalAudioPath } from '../support/eval-audio';
import { layoutProblems, SCREEN_SIZES } from '../support/layout';
import { option } from '../support/options';

const TRANSCRIBE_TIMEOUT_MS = 5 * 60_000;

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'the layout does not depend on the device; the WASM project covers it');
});

/** Serious and critical axe-core findings, as "rule: what (where)" lines. */
async function seriousA11yProblems(page: Page): Promise<string[]> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	return violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${violation.help} (${node.target.join(' ')})`));
}

/** Checks the layout at every size, the panels given open, and keeps a screenshot of each. */
async function checkEverySize(page: Page, testInfo: TestInfo, label: string): Promise<void> {
	for (const size of SCREEN_SIZES) {
		await page.setViewportSize({ width: size.width, height: size.height });
		await expect
			.poll(() => page.evaluate(layoutProblems), { message: `${label} at ${size.name} (${size.width}×${size.height})` })
			.toEqual([]);
		await page.screenshot({ path: testInfo.outputPath(`${label}-${size.name}.png`), fullPage: true });
	}
}

test('the drop zone comes first, the options behind a summary line of what is chosen, and no control overlaps another at any size, in English and Chinese', async ({
	page
}, testInfo) => {
	await page.goto('/');
	await expect(page.getByTestId('device-label')).toBeVisible();
	const top = async (testId: string) => (await page.getByTestId(testId).boundingBox())!.y;
	expect(await top('drop-zone')).toBeLessThan(await top('options-summary'));
	expect(await top('record-start')).toBeLessThan(await top('options-summary'));
	await expect(page.getByTestId('model-select')).toBeHidden();
	await expect(page.getByTestId('options-summary')).toHaveText(/^Options \S+ · auto language · greedy · skip silence$/);

	for (const locale of ['en', 'zh-CN'] as const) {
		await page.getByTestId('ui-language').selectOption(locale);
		await checkEverySize(page, testInfo, `${locale}-closed`);
		await (await option(page, 'subtitle-layout')).locator('summary').click();
		await checkEverySize(page, testInfo, `${locale}-open`);
		expect(await seriousA11yProblems(page)).toEqual([]);
		await page.getByTestId('options-summary').click();
	}
	await expect(page.getByTestId('options-summary')).toHaveText(/^选项 \S+ · 自动识别语言 · 贪心 · 跳过静音$/);

	// The summary follows the choices, and the panel stays as the person left it.
	await (await option(page, 'beam-select')).selectOption('5');
	await page.getByTestId('language-select').selectOption('fr');
	await expect(page.getByTestId('options-summary')).toHaveText(/^选项 \S+ · 法语 · 5 路束搜索 · 跳过静音$/);
	await page.reload();
	await expect(page.getByTestId('model-select')).toBeVisible();
});

test('with a transcript on screen, light and dark, the review view holds at every size and has no serious accessibility problem', async ({
	page
}, testInfo) => {
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	await page.getByTestId('file-input').setInputFiles(await evalAudioPath('en_jfk.wav'));
	await expect(page.getByTestId('segments')).toBeVisible({ timeout: TRANSCRIBE_TIMEOUT_MS });

	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
		expect(background).toBe(colorScheme === 'dark' ? 'rgb(20, 24, 29)' : 'rgb(247, 245, 240)');
		for (const locale of ['en', 'zh-CN'] as const) {
			await page.getByTestId('ui-language').selectOption(locale);
			await checkEverySize(page, testInfo, `${locale}-${colorScheme}-transcript`);
		}
		expect(await seriousA11yProblems(page)).toEqual([]);
	}
});
