import { expect, test, type Page } from '@playwright/test';
import { E2E } from './fixtures';

// Near the Xiwengzhuang (溪翁庄镇) seat in public.towns.
const XIWENGZHUANG = { latitude: 40.4646, longitude: 116.8633 };
const NEAREST_FOR_EARTHQUAKE = [
	'Xiwengzhuang town hall square (demo)',
	'Xiwengzhuang Central Primary School playground (demo)',
	'Xiwengzhuang Village culture square (demo)'
];

async function firstThree(page: Page) {
	const names = page.getByRole('region', { name: /nearest/i }).getByRole('listitem').getByRole('link');
	await expect(names.first()).toBeVisible();
	return (await names.allInnerTexts()).slice(0, 3).map((s) => s.replace(/^\d+\s*/, '').trim());
}

test.describe('finding a shelter', () => {
	test.use({ geolocation: XIWENGZHUANG, permissions: ['geolocation'], locale: 'en' });

	test('the three nearest suitable shelters appear in order, and again with the network cut', async ({ page, context }) => {
		await page.goto('/shelters?lang=en');
		await page.evaluate(() => navigator.serviceWorker.ready);
		await page.reload();
		await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
		await expect(page.getByRole('note').first()).toContainText('Demo data');

		await page.getByLabel('Hazard').selectOption('earthquake');
		await page.getByRole('button', { name: 'Find the nearest shelter from my location' }).click();
		await expect(page.getByRole('heading', { name: 'Shelters nearest to you' })).toBeVisible();
		expect(await firstThree(page)).toEqual(NEAREST_FOR_EARTHQUAKE);
		await expect(page.getByText('about 6 minutes on foot')).toBeVisible();
		await expect(page.getByRole('img', { name: 'Map of shelters' })).toBeVisible();

		// A flood needs other shelters: none of the earthquake dispersal points below the dam.
		await page.getByLabel('Hazard').selectOption('flood');
		await expect.poll(() => firstThree(page)).toEqual([
			'Xiwengzhuang Middle School, on high ground (demo)',
			'Beibaiyan Village committee hall (demo)',
			'Mujiayu Central Primary School (demo)'
		]);

		await context.setOffline(true);
		try {
			await page.reload();
			await page.getByLabel('Hazard').selectOption('earthquake');
			await page.getByRole('button', { name: 'Find the nearest shelter from my location' }).click();
			await expect(page.getByRole('status').filter({ hasText: 'Offline: computed on this device' })).toBeVisible();
			expect(await firstThree(page)).toEqual(NEAREST_FOR_EARTHQUAKE);
		} finally {
			await context.setOffline(false);
		}
	});

	test('a shelter inside an active flood warning area is shown as left out, with the reason', async ({ page }) => {
		// Active warning areas come from app.active_hazard_areas(), which stays empty until the
		// Warnings schema lands; the database tests exercise the exclusion itself
		// (src/lib/server/shelters/shelters.spec.ts). Here the server's real answer is taken
		// and its nearest shelter moved to `excluded` as the database would, to check what the
		// resident is told.
		await page.route('**/api/shelters/nearest?*', async (route) => {
			const real = await (await route.fetch()).json();
			const [first, ...rest] = real.shelters;
			real.shelters = rest;
			real.excluded = [{ id: first.id, name_zh: first.name_zh, name_en: first.name_en, name: first.name, reason: 'in_warning_area', warning_id: '00000000-0000-4000-8000-000000000001', warning_level: 'orange', distance_m: first.distance_m }];
			await route.fulfill({ json: real });
		});
		await page.goto('/shelters?lang=en');
		await page.getByLabel('Hazard').selectOption('flood');
		await page.getByRole('button', { name: 'Find the nearest shelter from my location' }).click();
		const region = page.getByRole('region', { name: /nearest/i });
		await expect(region.getByRole('heading', { name: 'Nearby shelters not recommended' })).toBeVisible();
		await expect(region.getByText('Xiwengzhuang Middle School, on high ground (demo): inside the area of an active Orange warning (Flood and reservoir release)')).toBeVisible();
		expect(await firstThree(page)).not.toContain('Xiwengzhuang Middle School, on high ground (demo)');
	});

	test('without JavaScript a township and a hazard give the list, and a shelter page hands off to map apps', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en' });
		const page = await context.newPage();
		try {
			await page.goto('/shelters?lang=en');
			await page.getByLabel('Hazard').selectOption('earthquake');
			await page.getByLabel(/choose a township/).selectOption({ label: 'Xiwengzhuang Town' });
			await page.getByRole('button', { name: 'Find', exact: true }).click();
			await expect(page).toHaveURL(/hazard=earthquake&town=110118101/);
			expect(await firstThree(page)).toEqual(NEAREST_FOR_EARTHQUAKE);

			await page.getByRole('link', { name: NEAREST_FOR_EARTHQUAKE[0] }).click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(NEAREST_FOR_EARTHQUAKE[0]!);
			await expect(page.getByRole('note')).toContainText('Demo data');
			const amap = new URL((await page.getByRole('link', { name: 'Amap' }).getAttribute('href'))!);
			const [lon, lat] = amap.searchParams.get('to')!.split(',').map(Number);
			// GCJ-02, so not the WGS84 point the page states.
			expect(Math.abs(lon! - 116.8603) + Math.abs(lat! - 40.4626)).toBeGreaterThan(0.002);
			await expect(page.getByText('From Xiwengzhuang Village low-lying area (demo)')).toBeVisible();
		} finally {
			await context.close();
		}
	});
});

test('the nearest-shelter API checks its input and names the parameter', async ({ request }) => {
	const bad = await request.get('/api/shelters/nearest?lat=40.46&lon=116.86&hazard=volcano');
	expect(bad.status()).toBe(400);
	expect(await bad.json()).toMatchObject({ parameter: 'hazard' });
	const ok = await request.get('/api/shelters/nearest?lat=40.4646&lon=116.8633&hazard=earthquake&limit=3');
	const body = await ok.json();
	expect(body.shelters.map((s: { name_en: string }) => s.name_en)).toEqual(NEAREST_FOR_EARTHQUAKE);
	expect(body.shelters[0]).toMatchObject({ status: 'open', walk_minutes: 6, demo: true });
	expect(body.excluded).toEqual([]);
});

test('an admin updates a shelter from the console and imports a list, all or nothing', async ({ page }) => {
	await page.goto('/console/sign-in');
	await page.getByLabel('电子邮箱').fill(E2E.admin.email);
	await page.getByLabel('密码').fill(E2E.admin.password);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/console$/);
	await page.getByRole('link', { name: '避难场所' }).click();

	const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: '古北口镇文化广场（演示）' }) });
	await item.getByLabel('已满').check();
	await item.getByLabel('当前安置人数').fill('2000');
	await item.getByRole('button', { name: '保存' }).click();
	await expect(item.getByRole('status')).toHaveText('已保存。');
	await expect(item.getByText('已满 · 已安置 2000 / 可容纳 2000 人')).toBeVisible();

	await page.getByRole('link', { name: '规划指标' }).click();
	await expect(page.getByRole('row', { name: /^古北口镇 9431 2 / })).toBeVisible();
	await page.goBack();

	await page.getByRole('link', { name: '导入名单' }).click();
	const header = 'ref,name_zh,name_en,town_code,lat,lon,class,indoor,capacity,hazards';
	const bad = `${header}\ne2e-1,石城测试点,Test site,110118116,40.60,116.78,II,true,100,flood\ne2e-2,错误,Bad,110118116,40.60,116.78,IV,true,many,flood\n`;
	await page.getByLabel('文件（CSV 或 GeoJSON）').setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
	await page.getByRole('button', { name: '检查并预览' }).click();
	await expect(page.getByRole('alert')).toContainText('第 3 行，class 列: 未知类别');
	await expect(page.getByRole('alert')).toContainText('第 3 行，capacity 列: 应为非负整数');

	const good = `${header}\ne2e-1,石城测试点,Test site,110118116,40.60,116.78,II,true,100,flood\n`;
	await page.getByLabel('文件（CSV 或 GeoJSON）').setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
	await page.getByRole('button', { name: '检查并预览' }).click();
	await expect(page.getByRole('cell', { name: '石城测试点' })).toBeVisible();
	await page.getByRole('button', { name: '导入这 1 处' }).click();
	await expect(page.getByRole('status')).toHaveText('已导入：新增 1 处，更新 0 处。');
	const list = await (await page.request.get('/api/shelters/snapshot')).json();
	expect(list.shelters.find((s: { name_zh: string }) => s.name_zh === '石城测试点')).toMatchObject({ class: 'short_term', demo: false });
});

test('a department handler cannot reach the import, nor change a township’s shelter', async ({ page }) => {
	await page.goto('/console/sign-in');
	await page.getByLabel('电子邮箱').fill(E2E.handler.email);
	await page.getByLabel('密码').fill(E2E.handler.password);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/console$/);
	expect((await page.goto('/console/shelters/import'))!.status()).toBe(403);
	await page.goto('/console/shelters');
	await expect(page.getByRole('button', { name: '保存' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: '停用' })).toHaveCount(0);
});

test('a result list and a shelter page reflow at 200% text', async ({ page, request }) => {
	const snapshot = await (await request.get('/api/shelters/snapshot')).json();
	const id = snapshot.shelters.find((s: { name_en: string }) => s.name_en.startsWith('Xiwengzhuang Middle')).id;
	for (const path of ['/shelters?town=110118101&hazard=flood&lang=en', `/shelters/${id}?lang=en`, `/shelters/${id}?lang=zh-CN`]) {
		await page.goto(path);
		await page.addStyleTag({ content: 'html { font-size: 225% !important; }' });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, path).toBeLessThanOrEqual(1);
	}
});
