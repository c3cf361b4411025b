import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E, signIn } from './fixtures';

const signInAdmin = (page: Page) => signIn(page, E2E.admin);

/** The latest outbox message to this phone, as an admin reads it in the console. */
async function lastMessageTo(admin: Page, phone: string): Promise<string> {
	await admin.goto('/console/outbox');
	return (await admin.getByRole('listitem').filter({ hasText: phone }).first().locator('.text').textContent()) ?? '';
}

/** Datetime-local value in Beijing time, `days` from now. */
function beijing(days: number, hour: number): string {
	const d = new Date(Date.now() + days * 86_400_000 + 8 * 3600_000);
	return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00`;
}

async function volunteer(browser: Browser, admin: Page, phone: string, name: string) {
	const context = await browser.newContext({ locale: 'zh-CN' });
	const page = await context.newPage();
	await page.goto('/volunteer/sign-in');
	await page.getByLabel('手机号').fill(phone);
	await page.getByRole('button', { name: '发送验证码' }).click();
	await expect(page.getByRole('status')).toContainText(phone);
	const code = (await lastMessageTo(admin, phone)).match(/\b(\d{6})\b/)![1]!;
	await page.getByLabel('验证码').fill(code);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/volunteer\/me/);
	// Typed before the page hydrates, the name was lost once in CI ("请先填写姓名").
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await page.getByLabel('姓名').fill(name);
	await page.getByLabel('所在镇街').selectOption({ label: '溪翁庄镇' });
	await page.getByRole('button', { name: '保存资料' }).click();
	await expect(page.getByText('已登录：' + phone)).toBeVisible();
	await expect(page.getByText('请先填写姓名')).toHaveCount(0);
	return { context, page };
}

test('volunteers fill an event, the next waits, one cancels, the first waiting is promoted and told; staff check in by code', async ({ browser, page: admin }) => {
	test.setTimeout(180_000);
	await signInAdmin(admin);
	await admin.getByRole('link', { name: '志愿者', exact: true }).click();
	await admin.getByRole('link', { name: '新建活动' }).click();
	await admin.getByLabel('类型').selectOption('training');
	await admin.getByLabel('科目').selectOption('first_aid');
	await admin.getByLabel('镇街', { exact: true }).selectOption('110118101');
	await admin.getByLabel('中文标题').fill('急救培训（测试）');
	await admin.getByLabel('英文标题').fill('First aid (test)');
	await admin.getByLabel('集合地点', { exact: true }).fill('镇政府礼堂');
	await admin.getByLabel(/^集合地点英文/).fill('Town hall');
	await admin.getByLabel('开始时间（北京时间）').fill(beijing(5, 9));
	await admin.getByLabel('结束时间（北京时间）').fill(beijing(5, 12));
	await admin.getByLabel('报名截止（北京时间）').fill(beijing(4, 18));
	await admin.getByLabel('名额').fill('2');
	await admin.getByRole('button', { name: '保存草稿' }).click();
	await expect(admin.getByRole('heading', { level: 1 })).toHaveText('急救培训（测试）');
	await expect(admin.getByText('草稿')).toBeVisible();
	await admin.getByRole('button', { name: '发布并开放报名' }).click();
	await expect(admin.getByText('报名中')).toBeVisible();
	const eventUrl = new URL(admin.url()).pathname.replace('/console/volunteers/events/', '/volunteer/events/');

	const a = await volunteer(browser, admin, '13800000001', '志愿者甲');
	const b = await volunteer(browser, admin, '13800000002', '志愿者乙');
	const c = await volunteer(browser, admin, '13800000003', '志愿者丙');

	for (const v of [a, b]) {
		await v.page.goto(eventUrl);
		await v.page.getByRole('button', { name: '报名参加' }).click();
		await expect(v.page.getByRole('status')).toHaveText('您已报名成功。');
	}
	await c.page.goto(eventUrl);
	await expect(c.page.getByText('已满，候补 0 人')).toBeVisible();
	await c.page.getByRole('button', { name: '名额已满，加入候补' }).click();
	await expect(c.page.getByRole('status')).toContainText('候补名单第 1 位');

	// A cancels: the seat goes straight to C, so the event stays full.
	await a.page.goto(eventUrl);
	await a.page.getByRole('button', { name: '取消报名' }).click();
	await expect(a.page.getByRole('button', { name: '名额已满，加入候补' })).toBeVisible();

	await c.page.reload();
	await expect(c.page.getByRole('status')).toHaveText('您已报名成功。');
	expect(await lastMessageTo(admin, '13800000003')).toContain('已从候补递补为正式参加「急救培训（测试）」');

	// B shows the QR and code; staff check B in by typing the code, once.
	await b.page.goto('/volunteer/me');
	await expect(b.page.getByRole('img', { name: /签到二维码/ }).locator('svg')).toBeVisible();
	const code = (await b.page.locator('.code strong').first().textContent())!.trim();
	expect(code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
	await admin.goto(eventUrl.replace('/volunteer/events/', '/console/volunteers/events/'));
	await admin.getByLabel('签到码').fill(code.toLowerCase());
	await admin.getByRole('button', { name: '签到', exact: true }).click();
	await expect(admin.getByRole('status')).toHaveText('志愿者乙 已签到。');
	await admin.getByLabel('签到码').fill(code);
	await admin.getByRole('button', { name: '签到', exact: true }).click();
	await expect(admin.getByText('这个签到码已经签到过了。')).toBeVisible();
	await expect(admin.getByLabel('签到码')).toHaveAttribute('aria-invalid', 'true');

	// The CSV holds the people, with phones, for organisers.
	const csv = await admin.request.get(eventUrl.replace('/volunteer/events/', '/console/volunteers/events/') + '/export.csv');
	expect(csv.headers()['content-type']).toContain('text/csv');
	const body = await csv.text();
	expect(body).toContain('志愿者乙,13800000002');
	expect(body).toContain('志愿者甲,13800000001,110118101,cancelled');

	// Volunteers are not staff: their own cookie, and no console.
	const cookie = (await b.context.cookies()).find((x) => x.name === 'sm_volunteer');
	expect(cookie?.httpOnly).toBe(true);
	expect(cookie?.sameSite).toBe('Lax');
	await b.page.goto('/console/outbox');
	await expect(b.page).toHaveURL(/\/console\/sign-in/);
	const export_ = await b.page.request.get(eventUrl.replace('/volunteer/events/', '/console/volunteers/events/') + '/export.csv', { maxRedirects: 0 });
	expect(export_.status()).toBe(303);
	for (const v of [a, b, c]) await v.context.close();
});

test('volunteer pages work without JavaScript: sign in with a code and see the events', async ({ browser, page: admin }) => {
	await signInAdmin(admin);
	const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
	const page = await context.newPage();
	await page.goto('/volunteer');
	await expect(page.getByRole('link', { name: /山洪转移避险演习/ })).toBeVisible();
	await page.getByLabel('镇街').selectOption({ label: '鼓楼街道' });
	await page.getByRole('button', { name: '筛选' }).click();
	await expect(page.getByRole('link', { name: /山洪转移避险演习/ })).toHaveCount(0);
	await expect(page.getByRole('link', { name: /急救与心肺复苏培训/ })).toBeVisible();

	await page.goto('/volunteer/sign-in');
	await page.getByLabel('手机号').fill('12345');
	await page.getByRole('button', { name: '发送验证码' }).click();
	await expect(page.getByText('请输入正确的手机号。')).toBeVisible();
	await page.getByLabel('手机号').fill('13900000009');
	await page.getByRole('button', { name: '发送验证码' }).click();
	// Asking again at once is refused per phone, and the code step stays.
	await page.getByRole('button', { name: '重新发送验证码' }).click();
	await expect(page.getByRole('alert')).toContainText('获取验证码太频繁');
	await page.getByLabel('验证码').fill('000000');
	await page.getByRole('button', { name: '登录' }).click();
	const code = (await lastMessageTo(admin, '13900000009')).match(/\b(\d{6})\b/)![1]!;
	if (code !== '000000') await expect(page.getByText('验证码不正确。')).toBeVisible();
	await page.getByLabel('验证码').fill(code);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/volunteer\/me/);
	await expect(page.getByText('请先填写姓名和所在镇街')).toBeVisible();
	await context.close();
});
