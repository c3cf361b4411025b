import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { PUBLIC_PAGES } from './fixtures';

for (const lang of ['zh-CN', 'en']) {
	for (const path of PUBLIC_PAGES) {
		test(`${path} in ${lang}: no serious or critical accessibility violations`, async ({ page }) => {
			await page.goto(`${path}?lang=${lang}`);
			const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
			const severe = results.violations
				.filter((v) => v.impact === 'serious' || v.impact === 'critical')
				.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
			expect(severe).toEqual([]);
		});
	}
}

test('text scaled to 200% still fits the phone screen without sideways scrolling', async ({ page }) => {
	for (const path of PUBLIC_PAGES) {
		await page.goto(`${path}?lang=en`);
		const before = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('h1')!).fontSize));
		// 200% of the page's own base size, as a browser's text-size setting does.
		await page.addStyleTag({ content: 'html { font-size: 225% !important; }' });
		const after = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('h1')!).fontSize));
		expect(after / before, path).toBeCloseTo(2, 1);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, path).toBeLessThanOrEqual(1);
	}
});

test('keyboard: the first Tab reaches “skip to content”, which moves focus to the page', async ({ page }) => {
	await page.goto('/numbers?lang=en');
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.locator('main')).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.locator('main a[href="tel:110"]')).toBeFocused();
});

test('call links say what they call to a screen reader', async ({ page }) => {
	await page.goto('/?lang=zh-CN');
	await expect(page.getByRole('link', { name: '拨打 119（火警）' })).toBeVisible();
	await expect(page.getByRole('region', { name: '紧急电话' })).toBeVisible();
});
