import { expect, test } from '@playwright/test';
import { e2eApiKey, E2E, signIn } from './fixtures';

// A public display screen: created in the console, live when a warning is issued through
// the CAP API, and marked "not current" once the server cannot be reached.
test.use({ viewport: { width: 1920, height: 1080 } });

const t = (ms: number) => `${new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

test('a display screen shows a warning live, then its last state as not current when the server is gone', async ({ page, request }) => {
	test.setTimeout(180_000);
	const slug = `e2e-screen-${Date.now().toString(36)}`;
	await signIn(page, E2E.admin, '/console/screens');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const form = page.locator('form.create');
	await form.getByLabel('名称').fill('古北口车站 e2e');
	await form.getByLabel('地址标识').fill(slug);
	await form.getByLabel('中心点和半径').check();
	await form.getByLabel('经度').fill('117.15');
	await form.getByLabel('纬度').fill('40.68');
	await form.getByLabel('半径（米）').fill('2000');
	await form.getByRole('button', { name: '添加显示屏' }).click();
	const row = page.locator(`tr[data-slug="${slug}"]`);
	await expect(row).toContainText('从未报到');
	await expect(row.locator('.alarm')).toBeVisible();

	await page.goto(`/display/${slug}`);
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const screen = page.getByTestId('display');
	// check-ins are sized and name a known screen
	expect((await request.post('/display/no-such-screen/state')).status()).toBe(404);
	expect((await request.post(`/display/${slug}/state`, { data: 'x'.repeat(1000) })).status()).toBe(413);
	await expect(screen).toContainText('目前没有生效的预警');
	await expect(screen).toContainText('更新于');
	await page.screenshot({ path: 'test-results/display-calm-zh.png' });

	const sender = 'e2e-display@miyun.test';
	const id = `e2e-display-${Date.now()}`;
	const sent = t(-60_000);
	const cap = (identifier: string, head: string) => `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>${sender}</sender><sent>${sent}</sent>
  <status>Actual</status>${head}<scope>Public</scope>
  <info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><expires>${t(20 * 60_000)}</expires>
    <eventCode><valueName>hazard</valueName><value>rainstorm</value></eventCode>
    <headline>古北口暴雨橙色预警（测试）</headline><description>测试。</description><instruction>请立即远离河道，转移到高处。</instruction>
    <area><areaDesc>古北口</areaDesc><circle>40.68,117.15 3</circle></area>
  </info>
  <info><language>en</language><category>Met</category><event>Rainstorm</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><expires>${t(20 * 60_000)}</expires>
    <eventCode><valueName>hazard</valueName><value>rainstorm</value></eventCode>
    <headline>Gubeikou rainstorm orange warning (test)</headline><description>Test.</description><instruction>Leave the river banks now and go to high ground.</instruction>
    <area><areaDesc>Gubeikou</areaDesc><circle>40.68,117.15 3</circle></area>
  </info>
</alert>`;
	const post = (xml: string) => request.post('/api/cap', { data: xml, headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' } });
	const issued = await post(cap(id, '<msgType>Alert</msgType>'));
	expect(issued.status(), await issued.text()).toBe(201);
	try {
		// live: no reload
		await expect(screen.locator('.warning')).toHaveCount(1, { timeout: 40_000 });
		await expect(screen).toHaveAttribute('data-side', 'zh', { timeout: 10_000 });
		await expect(screen).toContainText('古北口暴雨橙色预警');
		await expect(screen).toContainText('请立即远离河道');
		await page.screenshot({ path: 'test-results/display-warning-zh.png' });
		await expect(screen).toHaveAttribute('data-side', 'en', { timeout: 10_000 });
		await expect(screen).toContainText('Gubeikou rainstorm orange warning');
		await expect(screen).toContainText('What to do now');
		await page.screenshot({ path: 'test-results/display-warning-en.png' });

		// The server is gone: requests fail, the live stream drops.
		await page.route('**/display/*/state', (route) => route.abort('connectionrefused'));
		await page.route('**/warnings/events*', (route) => route.abort('connectionrefused'));
		await page.context().setOffline(true);
		await expect(screen).toHaveAttribute('data-stale', 'true', { timeout: 30_000 });
		await expect(screen).toHaveAttribute('data-side', 'zh', { timeout: 10_000 });
		await expect(screen.locator('.not-current')).toContainText('非最新');
		await expect(screen).toContainText('古北口暴雨橙色预警');
		await page.screenshot({ path: 'test-results/display-not-current-zh.png' });
		await page.context().setOffline(false);
		await page.unrouteAll();

		// the screen checked in: the console no longer raises the alarm
		await page.goto('/console/screens');
		await expect(row.locator('.ok')).toBeVisible();

		// the loudspeaker script of the same warning, and a village's confirmation
		await page.goto('/console/warnings');
		await page.getByRole('link', { name: /古北口暴雨橙色预警/ }).first().click();
		await page.getByRole('link', { name: '大喇叭广播稿与村级确认' }).click();
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		const script = page.getByTestId('broadcast-script');
		await expect(script).toContainText('再播一遍');
		await expect(script).toContainText('请立即远离河道，转移到高处。');
		expect(await script.textContent()).not.toMatch(/[0-9()（）]/);
		const confirm = page.getByRole('button', { name: '已广播' }).first();
		await confirm.click();
		await expect(page.locator('.villages .done').first()).toContainText('已于');
		await page.setViewportSize({ width: 390, height: 844 });
		await page.screenshot({ path: 'test-results/broadcast-zh.png', fullPage: false });
		await page.goto(page.url() + '?lang=en');
		await page.screenshot({ path: 'test-results/broadcast-en.png', fullPage: false });
	} finally {
		const lifted = await post(cap(`${id}-cancel`, `<msgType>Cancel</msgType><references>${sender},${id},${sent}</references>`));
		expect(lifted.status(), await lifted.text()).toBe(201);
	}
});
