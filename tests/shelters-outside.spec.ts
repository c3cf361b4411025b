import { expect, test } from '@playwright/test';

// An outside tester's finding (2026-12-04): /shelters with a position far from Miyun, or
// with coordinates that are no position, silently listed every shelter as if none had
// been given. It now says so plainly, and the whole list stays useful below.
test('a position outside Miyun, or no valid position, is named; the list of all shelters stays', async ({ page }) => {
	await page.goto('/shelters?lat=31.23&lon=121.47');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(page.getByRole('alert')).toHaveText(/该位置不在密云区内/);
	await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
	expect(await page.locator('ul.all li').count()).toBeGreaterThan(0);

	await page.goto('/shelters?lat=abc&lon=999&lang=en');
	await expect(page.getByRole('alert')).toHaveText(/not a valid latitude and longitude/);
	// the API says the same with a 400 naming the parameter
	const api = await page.request.get('/api/shelters/nearest?lat=31.23&lon=121.47');
	expect(api.status()).toBe(400);
	expect(await api.json()).toMatchObject({ parameter: 'lat' });
});
