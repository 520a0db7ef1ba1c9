/** @file The page's options panel, which starts closed behind its summary line. */
import { expect, type Locator, type Page } from '@playwright/test';

/**
 * A control of the options panel (by its test id), opening the panel first where it is closed.
 * Whether the panel is open comes back from the saved settings just after the page loads, so a
 * click on the summary can land in that moment and close what the settings just opened: click
 * until the panel stays open.
 */
export async function option(page: Page, testId: string): Promise<Locator> {
	const panel = page.getByTestId('options');
	await expect(async () => {
		const open = await panel.evaluate((details) => (details as HTMLDetailsElement).open);
		if (!open) await page.getByTestId('options-summary').click();
		await expect(panel).toHaveJSProperty('open', true, { timeout: 1_000 });
	}).toPass({ timeout: 15_000 });
	return page.getByTestId(testId);
}
