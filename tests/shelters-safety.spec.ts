/**
 * What the shelter pages tell a person when it matters: every near shelter inside a flood
 * warning's area (online and on the device), free places and full shelters, and the pages
 * kept for reading with the network gone after one visit to any page.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E, signIn } from './fixtures';
import { issueFloodCap } from './shelter-fixtures';

type Snap = { shelters: { id: string; name_en: string; name_zh: string; lat: number; lon: number }[]; towns: { code: string; lat: number | null; lon: number | null }[] };
const TAISHITUN = '110118107';

const floodCap = (request: APIRequestContext, identifier: string, msgType: 'Alert' | 'Cancel', area: string, references?: string) =>
	issueFloodCap(request, { identifier, msgType, area, references, sender: 'e2e-shelters-safety@miyun.test', headline: 'Flood warning around Taishitun (test)', areaDesc: 'Taishitun' });

async function controlled(page: Page) {
	await page.evaluate(() => navigator.serviceWorker.ready);
	await page.reload();
	await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
}

test('when every near flood shelter is inside a flood warning, the answer says so, gives the nearest outside and whom to follow — online and offline', async ({ page, context, request }) => {
	const snap = (await (await request.get('/api/shelters/snapshot')).json()) as Snap;
	const school = snap.shelters.find((s) => s.name_en === 'Taishitun Middle School (demo)')!;
	const seat = snap.towns.find((t) => t.code === TAISHITUN)!;
	const id = `e2e-shelters-safety-${Date.now()}`;
	// 6 km around the school: every flood shelter within 5 km of the seat is inside.
	const circle = `<circle>${school.lat.toFixed(5)},${school.lon.toFixed(5)} 6</circle>`;
	await floodCap(request, id, 'Alert', circle);
	try {
		// The answer comes from the read model, which the warning's NOTIFY refreshes a moment after the CAP POST has answered.
		const nearestApi = async () => (await request.get(`/api/shelters/nearest?lat=${seat.lat}&lon=${seat.lon}&hazard=flood&limit=3&lang=en`)).json();
		await expect.poll(async () => (await nearestApi()).notice).toBe('all_near_excluded');
		const api = await nearestApi();
		expect(api.excluded).toContainEqual(expect.objectContaining({ id: school.id, reason: 'in_warning_area', warning_hazard: 'flood', reason_text: 'inside a flood warning area: it may be flooded' }));
		expect(api.shelters.every((s: { distance_m: number }) => s.distance_m > 5000)).toBe(true);

		await page.goto('/shelters?lang=en');
		await controlled(page); // the device's snapshot now carries the warning's area
		const ask = async () => {
			await page.getByLabel('Hazard').selectOption('flood');
			await page.getByLabel(/choose a township/).selectOption(TAISHITUN);
			await page.getByRole('button', { name: 'Find', exact: true }).click();
			const region = page.getByRole('region', { name: /nearest/i });
			await expect(region.getByRole('alert')).toHaveText(/^Every suitable shelter within 5 km is inside an active warning area.*Follow the instructions of township and village staff\.$/);
			await expect(region.getByRole('listitem').filter({ hasText: 'Taishitun Middle School (demo): inside a flood warning area: it may be flooded (Yellow warning)' })).toBeVisible();
			return region;
		};
		await ask();
		await expect(page.locator('figcaption').getByText('Inside a warning area', { exact: true })).toBeVisible(); // the map's key

		// The warning page's "nearest shelter" link: the list marks the shelter.
		await page.goto('/shelters?hazard=flood&lang=en');
		await expect(page.getByRole('listitem').filter({ hasText: 'Taishitun Middle School (demo)' })).toContainText('Do not go: inside a flood warning area');

		await page.goto('/shelters?lang=en');
		await context.setOffline(true);
		try {
			await page.reload();
			const region = await ask();
			await expect(region.getByRole('status')).toContainText('Offline: computed on this device');
		} finally {
			await context.setOffline(false);
		}
	} finally {
		await floodCap(request, `${id}-cancel`, 'Cancel', circle, id);
	}
});

test('a shelter says how many places are left; a full one is marked full in lists, on the map and on its page', async ({ page, browser, request }) => {
	await signIn(page, E2E.admin, '/console/shelters');
	const set = async (name: string, occupancy: number) => {
		const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
		await item.getByLabel('开放', { exact: true }).check();
		await item.getByLabel('当前安置人数').fill(String(occupancy));
		await item.getByRole('button', { name: '保存' }).click();
		await expect(item.getByRole('status')).toHaveText('已保存。');
	};
	await set('大城子镇政府广场（演示）', 1820); // of 2200
	await set('大城子学校（演示）', 450); // of 450: full, though its status still says open

	const snap = (await (await request.get('/api/shelters/snapshot')).json()) as Snap;
	const square = snap.shelters.find((s) => s.name_en === 'Dachengzi town hall square (demo)')!;
	const school = snap.shelters.find((s) => s.name_en === 'Dachengzi School (demo)')!;
	const resident = await browser.newContext({ locale: 'zh-CN' });
	const p = await resident.newPage();
	try {
		await p.goto(`/shelters/${square.id}?lang=zh-CN`);
		await expect(p.getByText('还可容纳 380 人', { exact: true })).toBeVisible();
		await p.goto(`/shelters/${school.id}?lang=en`);
		await expect(p.getByText('Full: takes no one more', { exact: true })).toBeVisible();
		await p.goto(`/shelters/${square.id}?lang=en`);
		await expect(p.getByText('380 places left', { exact: true })).toBeVisible();

		// The nearest from the township seat: the square with its free places; the school left out as full.
		await p.goto('/shelters?town=110118112&lang=en');
		const region = p.getByRole('region', { name: /nearest/i });
		await expect(region.getByRole('listitem').filter({ hasText: 'Dachengzi town hall square (demo)' })).toContainText('380 places left');
		await expect(region.getByRole('listitem').filter({ hasText: 'Dachengzi School (demo): Full' })).toBeVisible();
		await expect(p.locator('figcaption').getByText('Full', { exact: true })).toBeVisible(); // the map's key

		await p.goto('/shelters?lang=zh-CN');
		await expect(p.getByRole('listitem').filter({ hasText: '大城子学校（演示）' })).toContainText('已满，不再接收');
		await expect(p.getByRole('listitem').filter({ hasText: '大城子镇政府广场（演示）' })).toContainText('还可容纳 380 人');
	} finally {
		await resident.close();
		await set('大城子镇政府广场（演示）', 0);
		await set('大城子学校（演示）', 0);
	}
});

test('after one visit to any page, that page, every shelter page, the lists and /alerts read offline, with their time', async ({ page, context, request }) => {
	const snap = (await (await request.get('/api/shelters/snapshot')).json()) as Snap;
	// The first visit lands on a page the worker did not exist for yet.
	await page.goto('/numbers?lang=en');
	await page.evaluate(() => navigator.serviceWorker.ready);
	const kept = () =>
		page.evaluate(async () => (await (await caches.open('kept-pages')).keys()).map((r) => new URL(r.url).pathname));
	await expect.poll(async () => (await kept()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2 * (3 + snap.shelters.length));
	const paths = await kept();
	for (const s of snap.shelters) expect(paths).toContain(`/shelters/${s.id}`);

	await context.setOffline(true);
	try {
		await page.reload();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Emergency numbers');

		const shelter = snap.shelters.find((s) => s.name_en === 'Gubeikou Central Primary School (demo)')!;
		await page.goto(`/shelters/${shelter.id}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(shelter.name_en);
		await expect(page.getByRole('link', { name: 'Amap' })).toHaveAttribute('href', /^https:\/\/uri\.amap\.com\/navigation\?to=/);
		await expect(page.getByText(/Data as of/)).toBeVisible();

		await page.goto('/warnings');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Warnings');
		await expect(page.getByText(/^As of /)).toBeVisible();
		await page.goto('/alerts');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Warnings on this phone');

		// The warning page's "nearest shelter" link: the kept list, with the hazard asked for.
		await page.goto('/shelters?hazard=flash_flood');
		await expect(page.getByLabel('Hazard')).toHaveValue('flash_flood');
		await expect(page.getByRole('heading', { name: /^All shelters/ })).toBeVisible();

		// Links between kept pages work too (SvelteKit fetches their data, kept whole).
		await page.goto('/shelters');
		await page.getByRole('link', { name: 'Xiwengzhuang Village culture square (demo)' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Xiwengzhuang Village culture square (demo)');
		await expect(page.getByRole('link', { name: 'Baidu Maps' })).toBeVisible();
	} finally {
		await context.setOffline(false);
	}
});
