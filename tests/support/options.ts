/** @file The page's options panel, which starts closed behind its summary line. */
import type { Locator, Page } from '@playwright/test';

/** A control of the options panel (by its test id), opening the panel first where it is closed. */
export async function option(page: Page, testId: string): Promise<Locator> {
	const panel = page.getByTestId('options');
	if (!(await panel.evaluate((details) => (details as HTMLDetailsElement).open))) {
		await page.getByTestId('options-summary').click();
	}
	return page.getByTestId(testId);
}
