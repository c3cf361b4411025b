import { expect, test } from '@playwright/test';
import { E2E, e2eApiKey, signIn } from './fixtures';

test.describe('the one map without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('is drawn by the server with links on features; switches and the hazard choice work without JavaScript', async ({ page }) => {
		await page.goto('/map?lang=en');
		await expect(page.getByRole('heading', { name: 'Map' })).toBeVisible();
		const map = page.locator('.one-map svg');
		await expect(map).toBeVisible();
		// Demo shelters and scenic areas are links to their pages.
		expect(await map.locator('[data-layer="shelters"] a[href^="/shelters/"]').count()).toBeGreaterThan(5);
		expect(await map.locator('[data-layer="scenic"] a[href^="/scenic/"]').count()).toBeGreaterThan(0);
		// The demo hazard points are on the public map, labelled demo, with no monitor.
		const points = map.locator('[data-layer="hazard_points"] path');
		expect(await points.count()).toBeGreaterThan(0);
		await expect(points.first().locator('title')).toContainText('demo');
		expect(await page.content()).not.toContain('000-0000-0000');
		// A layer switch hides its layer by CSS alone.
		const shelters = map.locator('[data-layer="shelters"]');
		await expect(shelters).toBeVisible();
		await page.getByLabel('Shelters', { exact: true }).uncheck();
		await expect(shelters).toBeHidden();
		// The form carries the choices: a hazard narrows the shelters, the unticked layer stays off.
		await page.getByLabel('Shelters suitable for').selectOption('forest_fire');
		await page.getByRole('button', { name: 'Update the map' }).click();
		await expect(page).toHaveURL(/hazard=forest_fire/);
		await expect(page.getByLabel('Shelters', { exact: true })).not.toBeChecked();
		await page.getByLabel('Shelters', { exact: true }).check();
		const all = await page.goto('/map?lang=en');
		expect(all?.status()).toBe(200);
		const everyHazard = await map.locator('[data-layer="shelters"] a').count();
		await page.goto('/map?lang=en&hazard=forest_fire');
		expect(await map.locator('[data-layer="shelters"] a').count()).toBeLessThan(everyHazard);
		// Tapping a feature opens its page.
		const href = await map.locator('[data-layer="shelters"] a').first().getAttribute('href');
		await map.locator('[data-layer="shelters"] a').first().dispatchEvent('click');
		await expect(page).toHaveURL(new RegExp(`${href}`));
	});
});

test('a report pin: a tap on the map sets the point and names its township', async ({ page }) => {
	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const pinMap = page.getByTestId('pin-map');
	await expect(pinMap).toBeVisible();
	// Tap where 溪翁庄镇's name is written: at its seat.
	const label = pinMap.locator('text.town-name', { hasText: '溪翁庄镇' });
	await label.scrollIntoViewIfNeeded();
	const box = (await label.boundingBox())!;
	await page.mouse.click(box.x + 2, box.y + box.height - 2);
	await expect(page.getByTestId('pin-place')).toContainText('溪翁庄镇');
	const lat = Number(await page.locator('input[name="lat"]').inputValue());
	const lon = Number(await page.locator('input[name="lon"]').inputValue());
	expect(Math.abs(lat - 40.4646)).toBeLessThan(0.02);
	expect(Math.abs(lon - 116.8633)).toBeLessThan(0.02);
	await expect(page.locator('#town')).toHaveValue('110118101');
	await expect(pinMap.locator('path.pin')).toHaveCount(1);
});

test('the console map shows staff layers and hazard points with their monitors to an admin', async ({ page }) => {
	await signIn(page, E2E.admin);
	await page.goto('/console/map?lang=en');
	await expect(page.getByRole('heading', { name: 'Operations map' })).toBeVisible();
	await expect(page.getByLabel('Open reports')).toBeVisible();
	await expect(page.getByLabel('Subscriptions per village')).toBeVisible();
	const table = page.locator('table');
	await expect(table).toContainText('DEMO-');
	await expect(table).toContainText('000-0000-0000');
});

test.describe('a warning page', () => {
	test.use({ geolocation: { latitude: 40.4646, longitude: 116.8633 }, permissions: ['geolocation'] });

	test('draws the phone’s position on the area map once asked, and shows it on /map', async ({ page, request }) => {
		const t = (ms: number) => `${new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
		const sender = 'e2e-map@miyun.test';
		const id = `e2e-map-${Date.now()}`;
		const sent = t(-60_000);
		const cap = (identifier: string, head: string) => `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>${sender}</sender><sent>${sent}</sent>
  <status>Actual</status>${head}<scope>Public</scope>
  <info><language>en</language><category>Met</category><event>Flood</event><urgency>Immediate</urgency>
    <severity>Moderate</severity><certainty>Likely</certainty><expires>${t(10 * 60_000)}</expires>
    <eventCode><valueName>hazard</valueName><value>flood</value></eventCode>
    <headline>Map journey flood warning (test)</headline><description>Test.</description><instruction>Test.</instruction>
    <area><areaDesc>Xiwengzhuang</areaDesc><circle>40.46,116.86 2</circle></area>
  </info>
</alert>`;
		const xml = cap(id, '<msgType>Alert</msgType>');
		const response = await request.post('/api/cap', { data: xml, headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' } });
		expect(response.status(), await response.text()).toBe(201);

		await page.goto('/map?lang=en');
		const link = page.locator('.one-map [data-layer="warnings"] a').filter({ hasText: 'Map journey flood warning' });
		await expect(link).toHaveCount(1);
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		await page.getByRole('button', { name: 'Show my position' }).click();
		await expect(page.locator('.one-map circle.you')).toHaveCount(1);

		await page.goto((await link.getAttribute('href'))! + '?lang=en');
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		const areaMap = page.locator('svg.area-map');
		await expect(areaMap.locator('circle.point')).toHaveCount(0);
		await page.getByRole('button', { name: 'Am I in the warning area?' }).click();
		await expect(areaMap.locator('circle.point')).toHaveCount(1);

		// Lifted again: a flood warning left in force would exclude Xiwengzhuang's shelters in later journeys.
		const lifted = cap(`${id}-cancel`, `<msgType>Cancel</msgType><references>${sender},${id},${sent}</references>`);
		const cancel = await request.post('/api/cap', { data: lifted, headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' } });
		expect(cancel.status(), await cancel.text()).toBe(201);
	});
});
