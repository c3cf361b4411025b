/**
 * The assistant end to end: a resident with their location shared asks for the nearest
 * shelter; another files a report by dialogue and follows the ticket on /report/[ticket]
 * (a category no other journey files, so the console's lists there stay as they expect);
 * the same dialogue works with JavaScript off; the API answers in the documented shape;
 * over its own budget the page says when to ask again and still calls for an emergency.
 */
import { expect, test, type Page } from '@playwright/test';

// Near the Xiwengzhuang (溪翁庄镇) seat in public.towns.
const XIWENGZHUANG = { latitude: 40.4646, longitude: 116.8633 };

async function say(page: Page, text: string) {
	const before = await page.locator('.log > li.assistant').count();
	await page.getByLabel('你的问题').fill(text);
	await page.getByRole('button', { name: '发送' }).click();
	await expect(page.locator('.log > li.assistant')).toHaveCount(before + 1);
	return page.locator('.log > li.assistant').last();
}

test.describe('asking the assistant', () => {
	test.use({ geolocation: XIWENGZHUANG, permissions: ['geolocation'] });

	test('the nearest shelter from the shared location, with walking time and a map link', async ({ page }) => {
		await page.goto('/assistant');
		await page.getByRole('button', { name: '使用我的位置' }).click();
		await expect(page.getByRole('button', { name: '已使用你的位置' })).toBeVisible();
		const answer = await say(page, '最近的避难场所在哪');
		await expect(answer).toContainText('离你的位置最近的开放避难场所');
		await expect(answer).toContainText(/步行约 \d+ 分钟/);
		await answer.getByRole('link', { name: /地图和路线/ }).first().click();
		await expect(page).toHaveURL(/\/shelters\/[0-9a-f-]{36}$/);
	});
});

test.describe('offline', () => {
	test.use({ geolocation: XIWENGZHUANG, permissions: ['geolocation'] });

	test('guide and shelter questions are answered from the data kept on the device', async ({ page, context }) => {
		await page.goto('/assistant');
		await page.evaluate(() => navigator.serviceWorker.ready);
		await page.reload();
		await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
		// The shelter snapshot is kept at install; the guide index is precached.
		await expect.poll(() => page.evaluate(async () => Boolean(await caches.match('/api/shelters/snapshot')))).toBe(true);
		await page.getByRole('button', { name: '使用我的位置' }).click();
		await expect(page.getByRole('button', { name: '已使用你的位置' })).toBeVisible();
		await context.setOffline(true);
		const guide = await say(page, '地震了怎么办');
		await expect(guide).toContainText('当前离线');
		await expect(guide.getByRole('link', { name: /地震/ })).toHaveAttribute('href', '/guides/earthquake#during');
		const shelter = await say(page, '最近的避难场所');
		await expect(shelter).toContainText(/步行约 \d+ 分钟/);
		await expect(shelter.getByRole('link').first()).toHaveAttribute('href', /^\/shelters\/[0-9a-f-]{36}$/);
		await context.setOffline(false);
	});
});

test('an emergency gets one-tap calling first', async ({ page }) => {
	await page.goto('/assistant');
	const answer = await say(page, '着火了 楼道里全是烟');
	await expect(answer.locator('.text')).toHaveText(/^请马上拨打 119/);
	await expect(answer.getByRole('link').first()).toHaveAttribute('href', 'tel:119');
});

test('a report filed by dialogue, followed on its ticket page', async ({ page }) => {
	await page.goto('/assistant');
	await page.getByRole('button', { name: '我要反映一个隐患' }).click();
	await expect(page.locator('.log > li.assistant').last()).toContainText('发生了什么');
	await expect(await say(page, '3号楼的电梯老是突然停一下，门也关不严')).toContainText('在哪里');
	await expect(await say(page, '溪翁庄村3号楼')).toContainText('照片');
	await expect(page.getByLabel('照片（可选）')).toBeVisible();
	await page.locator('.log > li.assistant').last().getByRole('button', { name: '跳过' }).click();
	await expect(page.locator('.log > li.assistant').last()).toContainText('回访电话');
	const summary = await say(page, '13800138000');
	await expect(summary).toContainText('地点：溪翁庄村3号楼');
	await expect(summary).toContainText('特种设备');
	const filed = await say(page, '确认');
	await expect(filed).toContainText(/工单号 MY-\d{8}-\d{4}/);
	await filed.getByRole('link', { name: /查看工单/ }).click();
	await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4}\?t=/);
	await expect(page.getByText('3号楼的电梯老是突然停一下，门也关不严')).toBeVisible();
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the dialogue is plain form posts', async ({ page }) => {
		await page.goto('/assistant');
		await page.getByLabel('你的问题').fill('山洪来了怎么办');
		await page.getByRole('button', { name: '发送' }).click();
		await expect(page.locator('.log > li.assistant').last()).toContainText('山洪（事发时）');
		await expect(page.getByRole('link', { name: /查看完整的“山洪”指南/ })).toHaveAttribute('href', '/guides/flash_flood#during');
		await page.getByLabel('你的问题').fill('古北水镇今天开放吗');
		await page.getByRole('button', { name: '发送' }).click();
		await expect(page.locator('.log > li')).toHaveCount(4);
		await expect(page.locator('.log > li.assistant').last()).toContainText('古北水镇今天的状态');
	});
});

test('POST /api/assistant answers in the documented shape and names a wrong field', async ({ request }) => {
	const ok = await request.post('/api/assistant', { data: { message: 'Any warnings now?', lang: 'en' } });
	expect(ok.status()).toBe(200);
	const body = await ok.json();
	expect(body).toMatchObject({ conversationId: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), intent: 'warnings', reply: expect.any(String) });
	expect(body.links[0]).toMatchObject({ href: '/warnings', title: 'All warnings' });
	const bad = await request.post('/api/assistant', { data: { message: 'hi', lang: 'fr' } });
	expect(bad.status()).toBe(400);
	expect(await bad.json()).toMatchObject({ field: 'lang' });
	// Not configured in the journeys: the WeChat endpoint says it is off.
	expect((await request.get('/wechat?signature=x&timestamp=1&nonce=1&echostr=hello')).status()).toBe(404);
});

test.describe('over the assistant’s budget', () => {
	/** Spends this device's 30 questions a minute through the API (the page's cookie goes with it). */
	async function spend(page: Page) {
		for (let i = 0; i < 30; i++) expect((await page.request.post('/api/assistant', { data: { message: 'hello', lang: 'en' } })).status()).toBe(200);
	}

	test('says in both languages when to ask again, still calls for an emergency, and leaves reports alone', async ({ page }) => {
		await page.goto('/assistant');
		await expect(page.locator('html[data-hydrated]')).toBeAttached();
		await spend(page);
		await page.getByLabel('你的问题').fill('古北水镇今天开放吗');
		await page.getByRole('button', { name: '发送' }).click();
		const alert = page.locator('form.ask [role=alert]');
		await expect(alert).toContainText(/请 \d+ 秒后再问/);
		await expect(alert).toContainText(/ask again in \d+ seconds/);
		await expect(alert.getByRole('link', { name: /拨打 119/ })).toHaveAttribute('href', 'tel:119');
		const answer = await say(page, '楼道全是烟 往上跑还是往下跑');
		await expect(answer.getByRole('link').first()).toHaveAttribute('href', 'tel:119');
		await expect(answer.getByRole('link', { name: /建筑火灾/ })).toHaveAttribute('href', '/guides/building_fire#during');
		// The reports' budget is not the assistant's: a malformed report is refused for what it is, not for the chatting.
		expect((await page.request.post('/api/reports', { multipart: { description: 'x' } })).status()).not.toBe(429);
	});

	test.describe('without JavaScript', () => {
		test.use({ javaScriptEnabled: false });
		test('renders the page, never raw JSON', async ({ page }) => {
			await page.goto('/assistant');
			await spend(page);
			await page.getByLabel('你的问题').fill('现在有预警吗');
			await page.getByRole('button', { name: '发送' }).click();
			await expect(page.getByRole('heading', { name: '问一问' })).toBeVisible();
			await expect(page.locator('form.ask [role=alert]')).toContainText(/ask again in \d+ seconds/);
		});
	});
});
