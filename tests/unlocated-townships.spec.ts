/**
 * Townships with no area yet (no sourced seat, no imported boundary): a subscription
 * there is told plainly, by the API and on /alerts, that it gets every warning for the
 * district until the boundary is imported; /shelters offers these townships too and
 * lists every shelter with a note instead of a nearest it cannot compute.
 */
import { expect, test } from '@playwright/test';
import { e2ePushSimulator } from './fixtures';

const GUOYUAN = '110118002'; // 果园街道
const VILLAGE = '110118002004'; // 果园西里社区

test('the API says which places are matched district-wide, in both languages', async ({ request }) => {
	// By push: SMS codes are limited per address, and every journey here shares one.
	const sim = e2ePushSimulator();
	const push = { endpoint: `${sim.origin}/push/${sim.keyIndex}/unlocated-${Date.now()}`, keys: { p256dh: sim.p256dh, auth: sim.auth } };
	const made = await request.post('/api/subscriptions', {
		data: { push, places: [{ lat: 40.45, lon: 116.83, label: 'work' }, { village: VILLAGE, label: 'home' }], lang: 'en' }
	});
	expect(made.status()).toBe(201);
	const { id, secret, notes } = await made.json();
	try {
		expect(notes).toEqual([
			{ field: 'places[1]', code: 'district_wide', town: GUOYUAN, message: { 'zh-CN': expect.stringContaining('果园街道'), en: expect.stringContaining('Guoyuan Subdistrict') } }
		]);
		expect(notes[0].message.en).toMatch(/every warning for Miyun District/);
		expect(notes[0].message['zh-CN']).toMatch(/密云区的所有预警/);
	} finally {
		expect((await request.delete(`/api/subscriptions/${id}`, { headers: { 'x-subscription-secret': secret } })).status()).toBe(204);
	}
});

for (const { lang, town, village, note } of [
	{ lang: 'zh-CN', town: '果园街道', village: '果园西里社区', note: /果园街道的边界还没有导入.*密云区的所有预警/ },
	{ lang: 'en', town: 'Guoyuan Subdistrict', village: 'Guoyuanxili Community', note: /Guoyuan Subdistrict has no boundary on file yet.*every warning for Miyun District/ }
]) {
	test(`/alerts says a village of a township without an area gets every warning (${lang})`, async ({ page }) => {
		await page.goto(`/alerts?lang=${lang}`);
		await page.locator('html[data-hydrated]').waitFor();
		await page.locator('#alerts-town').selectOption({ label: town });
		await expect(page.getByRole('note')).toHaveText(note);
		await page.locator('#alerts-village').selectOption({ label: village });
		await page.getByRole('button', { name: lang === 'en' ? 'Add this village' : '添加这个村（社区）' }).click();
		await expect(page.getByRole('list').filter({ hasText: village })).toContainText(note);
	});
}

test('/shelters offers a township without a location and lists every shelter with a note, with and without JavaScript', async ({ page, browser }) => {
	await page.goto('/shelters?lang=en');
	await page.locator('html[data-hydrated]').waitFor();
	await page.getByLabel(/choose a township/).selectOption({ label: 'Guoyuan Subdistrict' });
	await page.getByRole('button', { name: 'Find', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: 'We do not have a location for Guoyuan Subdistrict yet' })).toBeVisible();
	await expect(page.getByRole('heading', { name: /^All shelters/ })).toBeVisible();

	const context = await browser.newContext({ javaScriptEnabled: false });
	try {
		const bare = await context.newPage();
		await bare.goto(`/shelters?town=${GUOYUAN}`);
		await expect(bare.getByText('我们还没有果园街道的位置')).toBeVisible();
		await expect(bare.getByRole('heading', { name: /^全部避难场所/ })).toBeVisible();
		await expect(bare.locator('#town')).toHaveValue(GUOYUAN);
	} finally {
		await context.close();
	}
});
