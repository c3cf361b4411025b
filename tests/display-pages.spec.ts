import { expect, test } from '@playwright/test';
import { e2eApiKey, E2E, signIn } from './fixtures';

// An outside tester's finding (2026-12-04): with more warnings than fit, /display/<screen>
// at 1920×1080 showed the first two and silently dropped the rest. The screen now turns
// pages (each in Chinese, then English) and says which page it shows.
test.use({ viewport: { width: 1920, height: 1080 } });

const t = (ms: number) => `${new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

test('three warnings over one screen: every one is shown, a page at a time, and nothing runs off the screen', async ({ page, request }) => {
	test.setTimeout(240_000);
	const slug = `e2e-pages-${Date.now().toString(36)}`;
	await signIn(page, E2E.admin, '/console/screens');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const form = page.locator('form.create');
	await form.getByLabel('名称').fill('不老屯广场 e2e');
	await form.getByLabel('地址标识').fill(slug);
	await form.getByLabel('中心点和半径').check();
	await form.getByLabel('经度').fill('117.05');
	await form.getByLabel('纬度').fill('40.55');
	await form.getByLabel('半径（米）').fill('2000');
	await form.getByRole('button', { name: '添加显示屏' }).click();
	await expect(page.locator(`tr[data-slug="${slug}"]`)).toBeVisible();

	const sender = 'e2e-pages@miyun.test';
	const sent = t(-60_000);
	const hazards = [
		['暴雨', 'Rainstorm', 'rainstorm', '不老屯暴雨橙色预警（分页测试）', 'Bulaotun rainstorm orange warning (pages test)'],
		['大风', 'Gale', 'gale', '不老屯大风黄色预警（分页测试）', 'Bulaotun gale yellow warning (pages test)'],
		['雷电', 'Thunderstorm', 'lightning', '不老屯雷电黄色预警（分页测试）', 'Bulaotun thunderstorm yellow warning (pages test)']
	];
	const cap = (identifier: string, head: string, [zh, en, code, headZh, headEn]: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>${sender}</sender><sent>${sent}</sent>
  <status>Actual</status>${head}<scope>Public</scope>
  <info><language>zh-CN</language><category>Met</category><event>${zh}</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><expires>${t(20 * 60_000)}</expires>
    <eventCode><valueName>hazard</valueName><value>${code}</value></eventCode>
    <headline>${headZh}</headline><description>测试。</description><instruction>${'请远离河道和山坡，不要在大树和广告牌下停留，听从村干部指挥转移。'.repeat(2)}</instruction>
    <area><areaDesc>不老屯</areaDesc><circle>40.55,117.05 3</circle></area>
  </info>
  <info><language>en</language><category>Met</category><event>${en}</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><expires>${t(20 * 60_000)}</expires>
    <eventCode><valueName>hazard</valueName><value>${code}</value></eventCode>
    <headline>${headEn}</headline><description>Test.</description><instruction>${'Keep away from rivers and slopes, do not stay under trees or billboards, follow the village staff. '.repeat(2)}</instruction>
    <area><areaDesc>Bulaotun</areaDesc><circle>40.55,117.05 3</circle></area>
  </info>
</alert>`;
	const post = (xml: string) => request.post('/api/cap', { data: xml, headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' } });
	const ids = hazards.map((_, i) => `e2e-pages-${Date.now()}-${i}`);
	const issuedCount = { n: 0 };
	try {
		for (const [i, h] of hazards.entries()) {
			const issued = await post(cap(ids[i]!, '<msgType>Alert</msgType>', h));
			expect(issued.status(), await issued.text()).toBe(201);
			issuedCount.n += 1;
		}
		await page.goto(`/display/${slug}`);
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		const screen = page.getByTestId('display');
		await expect(screen).toHaveAttribute('data-side', 'zh', { timeout: 20_000 });
		await expect(screen.getByTestId('display-pages')).toHaveText('第 1/3 页 · 共 3 条生效预警');
		await expect(screen.locator('.warning')).toHaveCount(1);
		// the whole instruction is on screen, not cut off
		const instruction = screen.locator('.instruction');
		expect(await instruction.evaluate((e) => e.getBoundingClientRect().bottom <= e.closest('.warning')!.getBoundingClientRect().bottom)).toBe(true);
		// nothing runs off the bottom: the numbers stay on screen
		const footer = await screen.locator('footer').boundingBox();
		expect(footer!.y + footer!.height).toBeLessThanOrEqual(1080);
		await page.screenshot({ path: 'screenshots/display-pages-1-zh.png' });
		const seen = new Set<string>();
		for (const h of await screen.locator('.warning h1').allTextContents()) seen.add(h);
		// each page comes in Chinese, then in English (8 s each)
		for (const n of [2, 3]) {
			await expect(screen.getByTestId('display-pages')).toContainText(`${n}/3`, { timeout: 25_000 });
			await expect(screen).toHaveAttribute('data-side', 'zh');
			for (const h of await screen.locator('.warning h1').allTextContents()) seen.add(h);
		}
		await page.screenshot({ path: 'screenshots/display-pages-3-zh.png' });
		expect([...seen].sort()).toEqual(hazards.map((h) => h[3]).sort());
		await expect(screen).toHaveAttribute('data-side', 'en', { timeout: 10_000 });
		await expect(screen.getByTestId('display-pages')).toHaveText('Page 3 of 3 · 3 warnings in force');
		await page.screenshot({ path: 'screenshots/display-pages-3-en.png' });
	} finally {
		for (const [i, h] of hazards.slice(0, issuedCount.n).entries()) {
			const lifted = await post(cap(`${ids[i]}-cancel`, `<msgType>Cancel</msgType><references>${sender},${ids[i]},${sent}</references>`, h));
			expect(lifted.status(), await lifted.text()).toBe(201);
		}
	}
});
