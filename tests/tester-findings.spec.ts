/**
 * What an outside tester (who never saw the code) hit as a resident and as a tourist on
 * the night of 2026-12-04, each as the journey that failed before its fix.
 */
import { expect, test, type Page } from '@playwright/test';
import { e2eApiKey } from './fixtures';

/** On to the tracking page, past "is it one of these?" if earlier journeys reported nearby. */
async function filedThrough(page: Page, anyway: RegExp) {
	await expect(async () => {
		const button = page.getByRole('button', { name: anyway });
		if (await button.isVisible()) await button.click();
		await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4}\?t=/, { timeout: 2000 });
	}).toPass();
}

/** Where the tester pressed "use my position": inside 穆家峪镇. */
const MUJIAYU = { latitude: 40.4135, longitude: 116.9325 };

test.describe('/report with a located point', () => {
	test.use({ geolocation: MUJIAYU, permissions: ['geolocation'] });

	test('"use my position" fills the township; it can still be changed; the report is filed', async ({ page }) => {
		await page.goto('/report');
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		await page.getByLabel('隐患类别').selectOption('road_bridge');
		await page.getByLabel('问题描述（具体位置、情况）').fill('路面塌陷一个大坑，车辆绕行很危险');
		await page.getByRole('button', { name: '使用我的位置' }).click();
		await expect(page.getByLabel('乡镇（街道）')).toHaveValue('110118106');
		// The resident's own choice wins over the located one.
		await page.getByLabel('乡镇（街道）').selectOption('110118101');
		await expect(page.getByLabel('乡镇（街道）')).toHaveValue('110118101');
		await page.getByLabel('乡镇（街道）').selectOption('110118106');
		await page.screenshot({ path: 'screenshots/report-located-zh.png', fullPage: true });
		await page.getByRole('button', { name: '提交反映' }).click();
		await filedThrough(page, /不是同一问题/);
	});

	test('a located point with no township chosen is filed under the township the server finds', async ({ page }) => {
		await page.goto('/report?lang=en');
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		await page.getByLabel('What kind of hazard').selectOption('road_bridge');
		await page.getByLabel('What is wrong, and where exactly').fill('A sinkhole in the road near the bus stop, cars swerve around it');
		await page.getByRole('button', { name: /Use my location/ }).click();
		await expect(page.getByRole('status').filter({ hasText: '40.4' }).first()).toBeVisible();
		// As if the page had not filled it (an older page, or a point the lists do not know).
		await page.getByLabel('Township', { exact: true }).selectOption('');
		await page.getByRole('button', { name: 'Send report' }).click();
		await filedThrough(page, /different problem/);
		await page.screenshot({ path: 'screenshots/report-filed-en.png', fullPage: true });
	});
});

test.describe('/report without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('a refused post keeps everything that was typed', async ({ page }) => {
		await page.goto('/report');
		await page.getByLabel('隐患类别').selectOption('road_bridge');
		await page.getByLabel('问题描述（具体位置、情况）').fill('桥面有一个大坑，车辆绕行');
		await page.getByLabel('详细地址或标志物').fill('穆家峪大桥北头');
		await page.getByLabel('姓名').fill('李四');
		await page.getByLabel('电话', { exact: true }).fill('13800001234');
		await page.getByRole('button', { name: '提交反映' }).click();
		await expect(page.getByText('请选择乡镇（街道）')).toBeVisible();
		await expect(page.getByLabel('隐患类别')).toHaveValue('road_bridge');
		await expect(page.getByLabel('问题描述（具体位置、情况）')).toHaveValue('桥面有一个大坑，车辆绕行');
		await expect(page.getByLabel('详细地址或标志物')).toHaveValue('穆家峪大桥北头');
		await expect(page.getByLabel('姓名')).toHaveValue('李四');
		await expect(page.getByLabel('电话', { exact: true })).toHaveValue('13800001234');
	});
});

test.describe('I need help with a position', () => {
	test.use({ geolocation: MUJIAYU, permissions: ['geolocation'] });

	test('one tap sends the position; the township comes from it', async ({ page }) => {
		await page.goto('/safe?s=help');
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		const send = page.getByRole('button', { name: '一键发送我的位置' });
		await expect(send).toBeVisible();
		await expect(page.getByText('手机的位置会随这条求助发给值班乡镇')).toBeVisible();
		await page.screenshot({ path: 'screenshots/help-position-zh.png', fullPage: true });
		await send.click();
		// Filed (the township from the point: file.spec.ts checks which, on every channel).
		await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4,}\?t=/);
		await expect(page.getByText('有人需要救助')).toBeVisible();

		await page.goto('/safe?s=help&lang=en');
		await expect(page.getByRole('button', { name: 'Send my position now' })).toBeVisible();
		await page.screenshot({ path: 'screenshots/help-position-en.png', fullPage: true });
	});
});

test('I need help still works without a position and without JavaScript', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	try {
		const page = await context.newPage();
		await page.goto('/safe?s=help&lang=en');
		await expect(page.getByRole('button', { name: 'Send my position now' })).toHaveCount(0);
		await page.getByLabel('Township').selectOption('110118106');
		await page.getByRole('button', { name: 'Send: I need help' }).click();
		await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4,}\?t=/);
	} finally {
		await context.close();
	}
});

test.describe('I am safe says what was recorded', () => {
	test('without a phone: recorded, not matched; the form stays to add a number, with what was chosen', async ({ page }) => {
		await page.goto('/safe');
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		await page.getByLabel('在家').check();
		await page.getByRole('button', { name: '发送：我已安全' }).click();
		const done = page.getByTestId('safe-done');
		await expect(done).toContainText('没有手机号，工作人员无法对上您家');
		await expect(done).not.toContainText('不会再派人');
		await expect(page.getByRole('heading', { name: '补填手机号' })).toBeVisible();
		await expect(page.getByLabel('在家')).toBeChecked();
		await page.screenshot({ path: 'screenshots/safe-no-phone-zh.png', fullPage: true });

		await page.getByLabel('您的手机号（可不填）').fill('139 0000 0456');
		await page.getByRole('button', { name: '发送：我已安全' }).click();
		await expect(done).toContainText('乡镇工作人员会在您家旁边看到');
		await expect(page.getByTestId('safe-form')).toHaveCount(0);
		await page.screenshot({ path: 'screenshots/safe-phone-zh.png', fullPage: true });

		await page.goto('/safe?lang=en');
		await page.getByRole('button', { name: 'Send: I am safe' }).click();
		await expect(page.getByTestId('safe-done')).toContainText('tell your village cadre');
		await page.screenshot({ path: 'screenshots/safe-no-phone-en.png', fullPage: true });
	});
});

test('the home page counts only warnings in force now; one taking effect later is said apart', async ({ browser, request }) => {
	const key = e2eApiKey();
	const t = (ms: number) => `${new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
	const xml = (msgType: string, ident: string, refs = '') => `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${ident}</identifier><sender>12379@cma.gov.cn</sender><sent>${t(0)}</sent>
  <status>Actual</status><msgType>${msgType}</msgType><scope>Public</scope>${refs}
  <info><language>en</language><category>Met</category><event>暴雨</event><urgency>Future</urgency><severity>Severe</severity>
    <certainty>Likely</certainty><effective>${t(2 * 3600_000)}</effective><expires>${t(6 * 3600_000)}</expires>
    <headline>Home count: rainstorm later today</headline><description>Heavy rain expected.</description><instruction>Keep away from rivers.</instruction>
    <area><areaDesc>溪翁庄镇</areaDesc><geocode><valueName>CN-NBS</valueName><value>110118101</value></geocode></area></info>
</alert>`;
	const post = (body: string) => request.post('/api/cap', { data: body, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml' } });
	expect((await post(xml('Alert', 'home-count-1'))).status()).toBe(201);
	try {
		for (const lang of ['en', 'zh-CN'] as const) {
			const page = await (await browser.newContext({ locale: lang })).newPage();
			await page.goto(`/?lang=${lang}`);
			const section = page.locator('section.active-warnings');
			const heading = section.getByRole('heading', { level: 2 });
			await expect(heading).toContainText(lang === 'en' ? /(yet|: \d+) · \d+ coming into force from/ : /(预警|生效) · \d+ 条将于 .+ 起生效/);
			// The number in the heading is the cards in force, never the upcoming one too
			// (other journeys may add warnings meanwhile: read both together).
			await expect(async () => {
				const text = (await heading.textContent()) ?? '';
				const cards = await section.locator('li').count();
				const upcoming = await section.locator('li').filter({ hasText: lang === 'en' ? 'Takes effect at' : '即将生效' }).count();
				const inForce = Number((lang === 'en' ? /Warnings in force: (\d+)/ : /当前有 (\d+) 条预警生效/).exec(text)?.[1] ?? 0);
				expect(upcoming).toBeGreaterThan(0);
				expect(inForce).toBe(cards - upcoming);
			}).toPass();
			// A feed's English block naming the township in Chinese: English names on English pages.
			if (lang === 'en') await expect(section.locator('li').filter({ hasText: 'Home count: rainstorm later today' })).toContainText('Xiwengzhuang Town');
			await page.screenshot({ path: `screenshots/home-upcoming-${lang}.png`, fullPage: true });
			await page.context().close();
		}
	} finally {
		expect((await post(xml('Cancel', 'home-count-1-cancel', `<references>12379@cma.gov.cn,home-count-1,2026-01-01T00:00:00+08:00</references>`))).status()).toBe(201);
	}
});

test('/alerts: a limited code request says the real wait, in minutes, beside the SMS button (both languages)', async ({ browser }) => {
	for (const [lang, phone] of [['zh-CN', '139 0000 5678'], ['en', '139 0000 5679']] as const) {
		const page = await (await browser.newContext({ locale: lang })).newPage();
		await page.goto(`/alerts?lang=${lang}`);
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		const zh = lang === 'zh-CN';
		await expect(async () => {
			await page.getByLabel(zh ? '镇（街道）' : 'Township', { exact: true }).selectOption({ index: 1 });
			await expect(page.getByLabel(zh ? '村（社区）' : 'Village or community')).toBeEnabled({ timeout: 1000 });
		}).toPass();
		await page.getByLabel(zh ? '村（社区）' : 'Village or community').selectOption({ index: 1 });
		await page.getByRole('button', { name: zh ? '添加这个村（社区）' : 'Add this village' }).click();
		await page.getByLabel(zh ? '手机号码' : 'Mobile number').fill(phone);
		const send = page.getByRole('button', { name: zh ? '发送验证码' : 'Send the code' });
		// A new number's first code is sent (the tester's was refused for 53 minutes).
		await send.click();
		await expect(page.getByText(zh ? `验证码已发送至 ${phone}` : `We sent a code to ${phone}`)).toBeVisible();
		// At once again: one a minute per number, said beside the button with the real wait.
		await send.click();
		const error = page.getByTestId('sms-error');
		await expect(error).toContainText(zh ? '请 1 分钟后再试' : 'Try again in 1 min');
		const buttonBox = (await send.boundingBox())!;
		const errorBox = (await error.boundingBox())!;
		expect(errorBox.y).toBeGreaterThan(buttonBox.y);
		expect(errorBox.y - (buttonBox.y + buttonBox.height)).toBeLessThan(60);
		await error.scrollIntoViewIfNeeded();
		await page.screenshot({ path: `screenshots/alerts-sms-wait-${lang}.png` });
		await page.context().close();
	}
});

test('English pages show English place names, the Chinese only in brackets for a place to go to', async ({ page }) => {
	await page.goto('/scenic/simatai?lang=en');
	await expect(page.getByText('Gubeikou Town (Simatai Village)')).toBeVisible();
	await expect(page.getByText('古北口镇 (')).toHaveCount(0);
	await page.screenshot({ path: 'screenshots/scenic-simatai-en.png', fullPage: true });
	await page.goto('/scenic/gubei-water-town?lang=en');
	await expect(page.getByText('beside the Yuanyang Lake reservoir')).toBeVisible();
	await page.goto('/scenic/tianmen-mountain?lang=en');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tianmen Mountain (Beitianmen)');
	// The Chinese name stays as the sub-line, to show a driver.
	await expect(page.getByText('天门山', { exact: true })).toBeVisible();
	await page.goto('/scenic/simatai?lang=zh-CN');
	await expect(page.getByText('古北口镇（司马台村）')).toBeVisible();

	await page.goto('/volunteer?lang=en');
	await expect(page.getByText('Xiwengzhuang Town Government Square (溪翁庄镇政府广场)').first()).toBeVisible();
	await page.screenshot({ path: 'screenshots/volunteer-en.png', fullPage: true });
	await page.goto('/volunteer?lang=zh-CN');
	await expect(page.getByText('溪翁庄镇政府广场').first()).toBeVisible();
	await expect(page.getByText('Xiwengzhuang Town Government Square')).toHaveCount(0);
});
