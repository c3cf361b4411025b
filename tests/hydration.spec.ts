/**
 * A choice made before the page hydrates is kept: the page's scripts are held back
 * (as on a slow phone, where translations load as bundles of their own) while the
 * visitor chooses in the server-rendered form, then let through. These journeys act
 * at once, without waiting for html[data-hydrated].
 */
import { expect, test, type Page } from '@playwright/test';
import { E2E, signIn } from './fixtures';

/** Opens the page with its scripts held until `release()` is called. */
async function openHeld(page: Page, path: string): Promise<() => Promise<void>> {
	let release!: () => void;
	const gate = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**', async (route) => {
		await gate;
		await route.continue();
	});
	await page.goto(path, { waitUntil: 'commit' });
	return async () => {
		release();
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	};
}

test('/report: a category, township and description chosen before hydration are kept', async ({ page }) => {
	const hydrate = await openHeld(page, '/report?lang=en');
	await page.locator('#category').selectOption('road_bridge');
	await page.locator('#description').fill('A pothole on the bridge deck, chosen before the page ran');
	await page.locator('#town').selectOption('110118106');
	await hydrate();
	await expect(page.locator('#category')).toHaveValue('road_bridge');
	await expect(page.locator('#town')).toHaveValue('110118106');
	await expect(page.locator('#description')).toHaveValue('A pothole on the bridge deck, chosen before the page ran');
	// The running page follows the township: only its villages are offered.
	await expect(page.locator('#village optgroup')).toHaveCount(1);
});

test('/alerts: a township and a warning level chosen before hydration are kept', async ({ page }) => {
	const hydrate = await openHeld(page, '/alerts?lang=en');
	await page.locator('#alerts-town').selectOption('110118101');
	await page.locator('#alerts-level').selectOption('orange');
	await hydrate();
	await expect(page.locator('#alerts-town')).toHaveValue('110118101');
	await expect(page.locator('#alerts-level')).toHaveValue('orange');
	// The running picker follows the township: its villages can be picked now.
	await expect(page.locator('#alerts-village')).toBeEnabled();
});

test('/shelters: a hazard and a township chosen before hydration are kept', async ({ page }) => {
	const hydrate = await openHeld(page, '/shelters?lang=en');
	await page.locator('#hazard').selectOption('flood');
	await page.locator('#town').selectOption('110118106');
	await hydrate();
	await expect(page.locator('#hazard')).toHaveValue('flood');
	await expect(page.locator('#town')).toHaveValue('110118106');
	// The running finder lists only the flood shelters until a place is asked for.
	const all = await page.getByRole('heading', { name: /^All shelters/ }).innerText();
	await page.locator('#hazard').selectOption('');
	await expect(page.getByRole('heading', { name: /^All shelters/ })).not.toHaveText(all);
});

test('/console/warnings/new: what the issuer typed and picked before hydration is kept (outside tester, 2026-12-06)', async ({ page }) => {
	await signIn(page, E2E.issuer);
	const hydrate = await openHeld(page, '/console/warnings/new');
	await page.locator('#level').selectOption('red');
	await page.locator('#hazard').selectOption('flash_flood');
	await page.locator('#expires').fill('2030-07-30T18:00');
	// (held scripts hold the console's styles too: the box is not laid out yet, so a click by script)
	await page.locator('input[name="towns"][value="110118106"]').evaluate((box: HTMLInputElement) => box.click());
	await page.locator('#headline_zh').fill('山洪红色预警：穆家峪镇');
	await page.locator('#contact').fill('010-69041234');
	await hydrate();
	await expect(page.locator('#level')).toHaveValue('red');
	await expect(page.locator('#hazard')).toHaveValue('flash_flood');
	await expect(page.locator('#expires')).toHaveValue('2030-07-30T18:00');
	await expect(page.locator('input[name="towns"][value="110118106"]')).toBeChecked();
	await expect(page.locator('#headline_zh')).toHaveValue('山洪红色预警：穆家峪镇');
	await expect(page.locator('#contact')).toHaveValue('010-69041234');
});
