import { expect, test } from '@playwright/test';

test.describe('home page', () => {
	test('in Chinese by default, with one-tap emergency calls', async ({ page }) => {
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('平安密云');
		for (const number of ['110', '119', '120']) {
			await expect(page.locator(`a[href="tel:${number}"]`).first()).toBeVisible();
		}
		const tiles = page.getByRole('navigation', { name: '主导航' }).getByRole('link');
		await expect(tiles).toHaveCount(8);
		await expect(page.getByRole('link', { name: /预警信息/ })).toHaveAttribute('href', '/warnings');
	});

	test('in English from the browser language', async ({ browser }) => {
		const context = await browser.newContext({ locale: 'en-US' });
		const page = await context.newPage();
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Safe Miyun');
		await expect(page.getByRole('link', { name: 'Call 119 (Fire)' })).toBeVisible();
		await context.close();
	});

	test('the language switch keeps the page and the choice persists', async ({ page }) => {
		await page.goto('/numbers');
		await page.getByRole('link', { name: 'Switch to English' }).click();
		await expect(page).toHaveURL(/\/numbers\?lang=en$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Emergency numbers');
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Safe Miyun');
		await page.getByRole('link', { name: '切换到中文' }).click();
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('平安密云');
	});

	test('the emergency numbers page lists every national number as a call link', async ({ page }) => {
		await page.goto('/numbers');
		for (const number of ['110', '119', '120', '122', '12345', '12350', '12119', '12395']) {
			await expect(page.locator(`main a[href="tel:${number}"]`)).toBeVisible();
		}
	});

	test('the section navigation marks where the visitor is', async ({ page }) => {
		await page.goto('/guides');
		const nav = page.getByRole('navigation', { name: '主导航' });
		await expect(nav.getByRole('link', { name: '应急知识' })).toHaveAttribute('aria-current', 'page');
		await expect(nav.getByRole('link', { name: '避难场所' })).not.toHaveAttribute('aria-current', 'page');
	});

	test('an unknown page is a 404 in the visitor’s language', async ({ page }) => {
		const response = await page.goto('/no-such-page?lang=en');
		expect(response?.status()).toBe(404);
		await expect(page.getByText('This page does not exist.')).toBeVisible();
	});
});
