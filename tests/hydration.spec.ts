/**
 * A choice made before the page hydrates is kept: the page's scripts are held back
 * (as on a slow phone, where translations load as bundles of their own) while the
 * visitor chooses in the server-rendered form, then let through. These journeys act
 * at once, without waiting for html[data-hydrated].
 */
import { expect, test, type Page } from '@playwright/test';

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
