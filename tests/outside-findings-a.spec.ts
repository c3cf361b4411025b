/**
 * The outside tester's findings of 2026-12-04 night, as journeys on a phone (390 px):
 * a 古北口镇 warning reaches Simatai and Gubei Water Town; every township can be picked;
 * drills are marked on /safe and the console map; ending a warning asks why (also
 * without JavaScript) and a waiting red warning shows on the console home with who may
 * approve it; the template follows the chosen settings; the hazard-point table fits.
 */
import fs from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E, e2eApiKey, signIn } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.setTimeout(150_000);
fs.mkdirSync('screenshots', { recursive: true });

const capTime = (ms: number) => `${new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
const beijing = (ms: number) => new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 16);

/** A drill (Exercise) for 古北口镇 by its code, imported as the upstream platform would. */
function gubeikouDrill(identifier: string, head = '<msgType>Alert</msgType>'): string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>e2e-findings@miyun.test</sender><sent>${capTime(-60_000)}</sent>
  <status>Exercise</status>${head}<scope>Public</scope>
  <info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><expires>${capTime(30 * 60_000)}</expires>
    <eventCode><valueName>hazard</valueName><value>rainstorm</value></eventCode>
    <headline>古北口镇暴雨演练预警</headline><description>演练。</description><instruction>按演练安排转移。</instruction>
    <area><areaDesc>古北口镇</areaDesc><geocode><valueName>CN-NBS</valueName><value>110118111</value></geocode></area>
  </info>
</alert>`;
}

async function staffPage(browser: Browser, who: { email: string; password: string }, next: string, javaScriptEnabled = true): Promise<Page> {
	const page = await (await browser.newContext({ locale: 'zh-CN', javaScriptEnabled })).newPage();
	await signIn(page, who, next);
	// Fields typed before hydration can be reset by it on a loaded machine (the compose form's
	// values are bound): wait for the app to be live first, as the other console journeys do.
	if (javaScriptEnabled) await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	return page;
}

test('a 古北口镇 drill reaches Simatai and Gubei Water Town, the in-area check there, and is marked on /safe and the console map', async ({ browser, request }) => {
	const id = `e2e-gbk-${Date.now()}`;
	const made = await request.post('/api/cap', { data: gubeikouDrill(id), headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' } });
	expect(made.status(), await made.text()).toBe(201);
	const { threadId } = await made.json();
	try {
		const resident = await (await browser.newContext({ locale: 'zh-CN', geolocation: { latitude: 40.655, longitude: 117.27 }, permissions: ['geolocation'] })).newPage();
		for (const site of ['simatai', 'gubei-water-town']) {
			await resident.goto(`/scenic/${site}`);
			await expect(resident.getByText('【演习】 古北口镇暴雨演练预警')).toBeVisible();
		}
		await resident.screenshot({ path: 'screenshots/findings-scenic-gubei.png', fullPage: true });
		await resident.goto(`/warnings/${threadId}`);
		await resident.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		await resident.getByRole('button', { name: '我在预警区域内吗？' }).click();
		await expect(resident.locator('svg.area-map circle.point')).toHaveCount(1);
		await expect(resident.getByText('您当前位于预警区域内')).toBeVisible();

		await resident.goto(`/safe?w=${threadId}`);
		await expect(resident.getByText('【演习】 古北口镇暴雨演练预警')).toBeVisible();
		await resident.screenshot({ path: 'screenshots/findings-safe-drill.png', fullPage: true });

		const admin = await staffPage(browser, E2E.admin, '/console/map');
		await expect(admin.locator('li a', { hasText: '古北口镇暴雨演练预警' })).toHaveText(/【演习】 古北口镇暴雨演练预警/);
	} finally {
		const lifted = await request.post('/api/cap', {
			data: gubeikouDrill(`${id}-c`, `<msgType>Cancel</msgType><references>e2e-findings@miyun.test,${id},${capTime(-60_000)}</references>`),
			headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' }
		});
		expect(lifted.status(), await lifted.text()).toBe(201);
	}
});

for (const lang of ['zh-CN', 'en'] as const) {
	test(`compose (${lang}): a township with no area can be picked and says how it is matched; the template follows area, certainty and urgency`, async ({ browser }) => {
		const en = lang === 'en';
		const page = await staffPage(browser, E2E.issuer, `/console/warnings/new?lang=${lang}`);
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		const miyun = page.getByRole('checkbox', { name: en ? /^Miyun Town/ : /^密云镇/ });
		await expect(miyun).toBeEnabled();
		await page.getByLabel(en ? /^Valid until/ : '有效至（北京时间）').fill(beijing(3 * 3600_000));
		await miyun.check();
		// the live preview needs the texts: the template gives them
		await page.getByRole('button', { name: en ? /template/i : '按灾种模板填写空白项' }).click();
		await expect(page.getByTestId('district-wide')).toContainText(en ? /Miyun Town: no area yet, so matched district-wide/ : /密云镇暂无区域边界：按全区范围匹配/);
		await miyun.uncheck();

		for (const town of en ? ['Gubeikou Town', 'Gaoling Town', 'Taishitun Town'] : ['古北口镇', '高岭镇', '太师屯镇']) await page.getByRole('checkbox', { name: new RegExp(`^${town}`) }).check();
		await page.locator('#certainty').selectOption('Observed');
		await page.locator('#urgency').selectOption('Immediate');
		await page.locator('#hazard').selectOption('rainstorm');
		await page.locator('#level').selectOption('red');
		await page.getByRole('button', { name: en ? /template/i : '按灾种模板填写空白项' }).click();
		await expect(page.locator('#headline_zh')).toHaveValue('太师屯镇、高岭镇、古北口镇暴雨红色预警');
		await expect(page.locator('#description_zh')).toHaveValue(/^太师屯镇、高岭镇、古北口镇已出现暴雨.*请立即采取防范措施。$/);
		await expect(page.locator('#headline_en')).toHaveValue(/Taishitun Town, Gaoling Town, Gubeikou Town/);
		await expect(page.locator('#description_en')).toHaveValue(/is occurring in .*Take protective action now\.$/);
		// changed settings are followed by text the issuer has not edited
		await page.locator('#certainty').selectOption('Likely');
		await page.getByRole('button', { name: en ? /template/i : '按灾种模板填写空白项' }).click();
		await expect(page.locator('#description_zh')).toHaveValue(/预计将出现暴雨/);
		await expect(page.locator('.preview')).toContainText(en ? 'Simatai' : '司马台长城');
		await page.screenshot({ path: `screenshots/findings-compose-${lang}.png`, fullPage: true });
	});
}

test('a red warning waiting for approval is on the console home of who may approve it, and ending a warning asks why, also without JavaScript', async ({ browser }) => {
	const issuer = await staffPage(browser, E2E.issuer, '/console/warnings/new');
	await issuer.locator('#level').selectOption('red');
	await issuer.getByLabel('有效至（北京时间）').fill(beijing(2 * 3600_000));
	await issuer.getByRole('checkbox', { name: /^石城镇/ }).check();
	await issuer.locator('#headline_zh').fill('石城镇待审核红色预警（旅程）');
	await issuer.locator('#description_zh').fill('测试。');
	await issuer.locator('#instruction_zh').fill('测试。');
	await issuer.locator('#headline_en').fill('Shicheng red warning awaiting approval (journey)');
	await issuer.locator('#description_en').fill('Test.');
	await issuer.locator('#instruction_en').fill('Test.');
	await issuer.getByRole('button', { name: '保存草稿' }).click();
	await issuer.getByRole('button', { name: '提交审核' }).click();
	await expect(issuer.getByTestId('approvers')).toContainText('演示管理员'); // the demo admin's display name
	await expect(issuer.getByTestId('approvers')).not.toContainText(E2E.issuer.email);
	const detail = issuer.url();
	await issuer.goto('/console');
	await expect(issuer.getByTestId('waiting')).toContainText('您提交、等待他人审核的预警（');
	await expect(issuer.getByText('预警发布、工单办理、志愿者管理将在这里逐步上线。')).toHaveCount(0);

	// No JavaScript: the admin sees it on the console home, approves it, then ends it with a reason.
	const admin = await staffPage(browser, E2E.admin, '/console', false);
	const waiting = admin.getByTestId('waiting');
	await expect(waiting.getByRole('link', { name: '石城镇待审核红色预警（旅程）' })).toBeVisible();
	await admin.screenshot({ path: 'screenshots/findings-console-waiting.png', fullPage: true });
	await waiting.getByRole('link', { name: '石城镇待审核红色预警（旅程）' }).click();
	await expect(admin).toHaveURL(detail);
	await admin.getByRole('button', { name: '审核通过并发布' }).click();
	await expect(admin.getByText('已发布')).toBeVisible();
	await admin.getByRole('link', { name: '解除预警' }).click();
	await expect(admin.getByRole('heading', { name: '确认解除预警' })).toBeVisible();
	await admin.screenshot({ path: 'screenshots/findings-end-confirm.png', fullPage: true });
	// still in force until confirmed
	await expect(admin.getByText('已发布')).toBeVisible();
	await admin.getByLabel('解除原因').fill('演练结束，误报更正');
	await admin.getByRole('button', { name: '确认解除' }).click();
	await expect(admin).toHaveURL(/\/console\/warnings$/);
	await admin.goto(detail);
	await expect(admin.getByTestId('end-reason')).toHaveText('解除原因：演练结束，误报更正');
});

for (const lang of ['zh-CN', 'en'] as const) {
	test(`the console map's hazard-point table fits a 390 px phone (${lang})`, async ({ browser }) => {
		const page = await staffPage(browser, E2E.admin, `/console/map?lang=${lang}`);
		const table = page.locator('table.hazard-points');
		await expect(table).toContainText('000-0000-0000');
		// (the whole English page once measured 659 px wide after other journeys: not this table; see the report)
		const box = await table.boundingBox();
		expect(box!.x + box!.width).toBeLessThanOrEqual(390);
		// the monitor's phone is on screen, not cut off
		const phone = table.getByRole('link', { name: '000-0000-0000' }).first();
		const at = await phone.boundingBox();
		expect(at!.x + at!.width).toBeLessThanOrEqual(390);
		await page.screenshot({ path: `screenshots/findings-console-map-${lang}.png`, fullPage: true });
	});
}
