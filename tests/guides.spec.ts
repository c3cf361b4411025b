import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

async function controlledBySw(page: Page) {
	await page.evaluate(() => navigator.serviceWorker.ready);
	// The first load installs the worker; the next is fetched through it.
	await page.reload();
	await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
}

// Every guide of a language (content/en/guides), so a new guide does not leave one out of the wait.
const GUIDES = fs.readdirSync('content/en/guides').filter((f) => f.endsWith('.md')).length;
const guidesKept = (page: Page) => page.evaluate(async () => (await (await caches.open('guides')).keys()).length);

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('a guide renders whole, in three sections with stable ids', async ({ page }) => {
		await page.goto('/guides/earthquake?lang=en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Earthquake');
		for (const [id, name] of [['before', 'Before'], ['during', 'During'], ['after', 'After']] as const) {
			await expect(page.locator(`h2#${id}`)).toHaveText(name);
		}
		await expect(page.locator('section.during')).toContainText('Drop to the floor');
		await expect(page.getByRole('link', { name: 'All emergency numbers' })).toHaveAttribute('href', '/numbers');

		await page.goto('/guides/earthquake?lang=zh-CN');
		await expect(page.locator('h2#during')).toHaveText('事发时');
	});

	test('the server answers /guides?q= with ranked, marked results', async ({ page }) => {
		await page.goto('/guides?lang=en');
		await page.getByLabel('Search the guides').fill('earthquakes');
		await page.getByRole('button', { name: 'Search' }).click();
		await expect(page).toHaveURL(/\/guides\?q=earthquakes/);
		const first = page.locator('.hits li').first();
		await expect(first.getByRole('link')).toHaveText('Earthquake');
		await expect(first.locator('mark').first()).toHaveText('Earthquake');

		await page.goto('/guides?lang=zh-CN&q=' + encodeURIComponent('地震'));
		await expect(page.locator('.hits li').first().getByRole('link')).toHaveText('地震');
		await expect(page.locator('.hits mark').first()).toHaveText('地震');
	});
});

test('search works offline in English, and every guide is kept on the device', async ({ page, context }) => {
	await page.goto('/guides?lang=en');
	await controlledBySw(page);
	// After one guide page, the worker fetches the others in the background.
	await expect.poll(() => guidesKept(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(GUIDES + 1); // the guides and their index

	await context.setOffline(true);
	try {
		await page.reload();
		await page.getByLabel('Search the guides').fill('batteries');
		const hit = page.locator('.hits li', { hasText: 'E-bike' });
		await expect(hit).toBeVisible();
		await expect(hit.locator('mark').first()).toHaveText(/^batter(y|ies)$/i);
		await expect(page.getByText('Offline search: results come from the guides saved on this device.')).toBeVisible();

		// A guide never opened here is on the device too.
		await page.goto('/guides/first_aid');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('First aid basics');
		await expect(page.locator('h2#during')).toHaveText('During');
	} finally {
		await context.setOffline(false);
	}
});

test('a first visit that lands on a guide ships no script files yet keeps every guide offline', async ({ page, context }) => {
	const scripts: string[] = [];
	page.on('request', (request) => void (request.resourceType() === 'script' && scripts.push(request.url())));
	await page.goto('/guides/earthquake?lang=en');
	await controlledBySw(page);
	expect(scripts).toEqual([]);
	await expect.poll(() => guidesKept(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(GUIDES);
	await context.setOffline(true);
	try {
		await page.goto('/guides/hail');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hail');
		await expect(page.locator('h2#after')).toHaveText('After');
	} finally {
		await context.setOffline(false);
	}
});

test('search works offline in Chinese: 地震 is found and marked', async ({ page, context }) => {
	await page.goto('/guides?lang=zh-CN');
	await controlledBySw(page);
	await context.setOffline(true);
	try {
		await page.reload();
		await page.getByLabel('搜索指南').fill('地震');
		await expect(page.locator('.hits li').first().getByRole('link')).toHaveText('地震');
		await expect(page.locator('.hits mark').first()).toHaveText('地震');
		await expect(page).toHaveURL(/q=%E5%9C%B0%E9%9C%87/);

		await page.getByLabel('搜索指南').fill('心肺复苏');
		await expect(page.locator('.hits li').first().getByRole('link')).toHaveText('急救常识');
	} finally {
		await context.setOffline(false);
	}
});

test('the kit checklist and the family plan survive a reload, and work offline', async ({ page, context }) => {
	await page.goto('/prepare?lang=en');
	await expect(page.getByRole('button', { name: 'Save on this device' })).toBeEnabled();
	await page.getByLabel('People in your household').fill('4');
	await expect(page.getByText('about 48 litres of drinking water')).toBeVisible();
	await page.getByRole('checkbox', { name: /Drinking water/ }).check();
	await page.getByRole('checkbox', { name: /^Radio/ }).check();
	await expect(page.getByText('2 of 13 ready')).toBeVisible();

	await page.getByLabel('Meeting point near home').fill('The square by building 3');
	await page.getByLabel('Out-of-area contact’s phone').fill('not a number');
	await page.getByRole('button', { name: 'Save on this device' }).click();
	await expect(page.getByLabel('Out-of-area contact’s phone')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByText('Please enter a phone number')).toBeVisible();
	await page.getByLabel('Out-of-area contact’s phone').fill('+86 138 0000 0000');
	await page.getByRole('button', { name: 'Save on this device' }).click();
	await expect(page.getByRole('status')).toContainText('Saved on this device');

	await page.reload();
	await expect(page.getByRole('checkbox', { name: /Drinking water/ })).toBeChecked();
	await expect(page.getByRole('checkbox', { name: /^Radio/ })).toBeChecked();
	await expect(page.getByRole('checkbox', { name: /Whistle/ })).not.toBeChecked();
	await expect(page.getByLabel('People in your household')).toHaveValue('4');
	await expect(page.getByLabel('Meeting point near home')).toHaveValue('The square by building 3');
	await expect(page.getByLabel('Out-of-area contact’s phone')).toHaveValue('+86 138 0000 0000');

	await controlledBySw(page);
	await context.setOffline(true);
	try {
		await page.reload();
		await expect(page.getByRole('checkbox', { name: /Drinking water/ })).toBeChecked();
		await page.getByRole('checkbox', { name: /Whistle/ }).check();
		await page.reload();
		await expect(page.getByText('3 of 13 ready')).toBeVisible();
	} finally {
		await context.setOffline(false);
	}
	await expect(page.getByRole('link', { name: 'All emergency numbers, one tap to call' })).toHaveAttribute('href', '/numbers');
});
