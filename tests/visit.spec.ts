/**
 * A tourist at a scenic area's entrance, in Chromium: the printed sign's QR code opens
 * the area's page, one step subscribes this phone (Web Push to the push-service
 * simulator, stubbed in the page exactly as tests/delivery.spec.ts describes) until
 * tomorrow, a warning over the scenic area reaches it, and after the date the page no
 * longer shows the visit (the phone's clock moved on; the server's deletion of ended
 * subscriptions is the retention job's, tested in src/lib/server/scenic/visit.spec.ts).
 */
import { expect, test, type Browser } from '@playwright/test';
import { e2eApiKey, e2ePushSimulator, outboxCode, simulatorPayload, type PushSimulator } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.setTimeout(150_000);

async function phone(browser: Browser, sim: PushSimulator, endpointId: string, locale: string) {
	const context = await browser.newContext({ locale, permissions: ['notifications'] });
	await context.addInitScript(
		({ endpoint, p256dh, auth }) => {
			const KEY = 'e2e.stubbed-push-subscription';
			const subscription = () => ({
				endpoint,
				expirationTime: null,
				options: { userVisibleOnly: true, applicationServerKey: null },
				getKey: () => null,
				toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
				unsubscribe: async () => {
					localStorage.removeItem(KEY);
					return true;
				}
			});
			PushManager.prototype.subscribe = async function () {
				localStorage.setItem(KEY, endpoint);
				return subscription() as unknown as PushSubscription;
			};
			PushManager.prototype.getSubscription = async function () {
				return (localStorage.getItem(KEY) ? subscription() : null) as unknown as PushSubscription | null;
			};
		},
		{ endpoint: `${sim.origin}/push/${sim.keyIndex}/${endpointId}`, p256dh: sim.p256dh, auth: sim.auth }
	);
	return { context, page: await context.newPage() };
}

const capTime = (msFromNow: number) => `${new Date(Date.now() + msFromNow + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

/** A yellow gale warning over a small square around Simatai (古北口镇). */
function capAlert(identifier: string, msgType = 'Alert', references = ''): string {
	const info = (lang: string, event: string, headline: string, desc: string) => `
  <info><language>${lang}</language><category>Met</category><event>${event}</event><urgency>Immediate</urgency>
    <severity>Moderate</severity><certainty>Likely</certainty><effective>${capTime(0)}</effective><expires>${capTime(3 * 3600_000)}</expires>
    <headline>${headline}</headline><description>${desc}</description><instruction>${desc}</instruction>
    <parameter><valueName>预警级别</valueName><value>黄色</value></parameter>
    <area><areaDesc>${desc}</areaDesc><polygon>40.64,117.25 40.68,117.25 40.68,117.30 40.64,117.30 40.64,117.25</polygon></area>
  </info>`;
	return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>12379@cma.gov.cn</sender><sent>${capTime(0)}</sent>
  <status>Actual</status><msgType>${msgType}</msgType><scope>Public</scope>${references}
  ${info('zh-CN', '大风', '古北口镇大风黄色预警（景区测试）', '司马台长城')}${info('en', 'Gale', 'Yellow gale warning for Gubeikou (visit test)', 'Simatai')}
</alert>`;
}

test('scan the entrance sign, subscribe until tomorrow in one step, a warning over the scenic area reaches the phone, the visit ends after the date', async ({ browser, request }) => {
	const sim = e2ePushSimulator();
	const endpointId = `visit-${Date.now()}`;
	const { context, page } = await phone(browser, sim, endpointId, 'zh-CN');

	// The sign: the QR code, both names, 110/119/120; the address it encodes carries the area id.
	await page.goto('/scenic/simatai/qr');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('司马台长城');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Simatai Great Wall');
	await expect(page.getByText('报警 110 · 火警 119 · 急救 120')).toBeVisible();
	await expect(page.getByText('Police 110 · Fire 119 · Ambulance 120')).toBeVisible();
	await expect(page.getByRole('img', { name: '扫码接收本景区预警、查看开放情况' })).toBeVisible();
	await page.screenshot({ path: 'screenshots/scenic-sign.png', fullPage: true });
	// As printed on A4 (the browser's "save as PDF" makes the PDF).
	await page.setViewportSize({ width: 794, height: 1123 });
	await page.emulateMedia({ media: 'print' });
	await page.screenshot({ path: 'screenshots/scenic-sign-print.png', fullPage: true });
	await page.emulateMedia({ media: 'screen' });
	await page.setViewportSize({ width: 390, height: 844 });
	const scanned = (await page.locator('.url').textContent())!.trim();
	expect(new URL(scanned).pathname).toBe('/scenic/simatai');

	// Scanned: one step, tomorrow by default.
	await page.goto(scanned);
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
	await expect(page.getByLabel('截止日期')).toHaveValue(tomorrow);
	await expect(page.getByRole('heading', { name: /^接收司马台长城的预警，直到/ })).toBeVisible();
	await page.screenshot({ path: 'screenshots/scenic-visit-step-zh.png', fullPage: true });
	await page.getByRole('button', { name: '在本机接收' }).click();
	await expect(page.getByText(/^本机将收到司马台长城的预警，直到/)).toBeVisible({ timeout: 60_000 });
	await page.screenshot({ path: 'screenshots/scenic-visit-done-zh.png', fullPage: true });
	// Still shown after a reload: the page knows this phone's visit.
	await page.reload();
	await expect(page.getByRole('heading', { name: '已订阅本景区预警' })).toBeVisible();

	const identifier = `visit-journey-${Date.now()}`;
	const created = await request.post('/api/cap', {
		data: capAlert(identifier),
		headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' }
	});
	expect(created.status()).toBe(201);
	const warning = (await created.json()) as { id: string; threadId: string };
	let payload: string | null = null;
	await expect.poll(async () => (payload = await simulatorPayload(sim, endpointId)), { timeout: 20_000, intervals: [250] }).not.toBeNull();
	expect(JSON.parse(payload!)).toMatchObject({ id: warning.threadId, w: warning.id, level: 'yellow', lang: 'zh-CN' });

	// After the date the visit is over: the page offers the step again.
	await context.clock.install({ time: Date.now() + 3 * 86_400_000 });
	await page.reload();
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(page.getByRole('heading', { name: /^接收司马台长城的预警，直到/ })).toBeVisible();
	await context.close();

	const cancel = await request.post('/api/cap', {
		data: capAlert(`${identifier}-cancel`, 'Cancel', `<references>12379@cma.gov.cn,${identifier},2026-01-01T00:00:00+08:00</references>`),
		headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' }
	});
	expect(cancel.status()).toBe(201);
});

test('the subscribe step in English, and a date beyond 14 days is refused in words', async ({ browser }) => {
	const sim = e2ePushSimulator();
	const { context, page } = await phone(browser, sim, `visit-en-${Date.now()}`, 'en');
	await page.goto('/scenic/gubei-water-town?lang=en');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(page.getByRole('heading', { name: /^Warnings for Gubei Water Town.* until / })).toBeVisible();
	await expect(page.getByText('Covers Gubei Water Town (Beijing WTown) and its township, Gubeikou Town.')).toBeVisible();
	await page.screenshot({ path: 'screenshots/scenic-visit-step-en.png', fullPage: true });
	const far = new Date(Date.now() + 8 * 3600_000 + 20 * 86_400_000).toISOString().slice(0, 10);
	await page.getByLabel('Until', { exact: true }).fill(far);
	await page.getByRole('button', { name: 'Receive on this phone' }).click();
	await expect(page.getByRole('alert')).toHaveText('Choose a date from today to 14 days ahead.');
	await page.getByText('Or by text message (we send a code)').click();
	await page.screenshot({ path: 'screenshots/scenic-visit-sms-en.png', fullPage: true });
	await context.close();
});

test.describe('a tourist whose browser runs no JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('subscribes to the visit by text message with plain forms: number and date, the texted code, done', async ({ page, browser }) => {
		const phone = '13900005688';
		await page.goto('/scenic/simatai');
		// no push button where it cannot work (the <noscript> note says why; Playwright's
		// disabled JavaScript still parses <noscript> as text, so it is not asserted here)
		await expect(page.getByRole('button', { name: /在本机接收/ })).toHaveCount(0);
		await page.getByLabel('手机号码').fill('1390000');
		await page.getByRole('button', { name: '发送验证码' }).click();
		await expect(page.getByRole('alert')).toContainText('请输入大陆手机号码');
		// what was typed comes back
		await expect(page.getByLabel('手机号码')).toHaveValue('1390000');
		await page.getByLabel('手机号码').fill(phone);
		await page.getByRole('button', { name: '发送验证码' }).click();
		await expect(page.getByText(`验证码已发送至 ${phone}`)).toBeVisible();
		await page.screenshot({ path: 'screenshots/scenic-visit-nojs-code.png', fullPage: true });

		const admin = await (await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: true })).newPage();
		const code = await outboxCode(admin, phone);
		await admin.context().close();

		await page.getByLabel('6 位验证码').fill(code === '000000' ? '111111' : '000000');
		await page.getByRole('button', { name: '确认' }).click();
		await expect(page.getByRole('alert')).toContainText('验证码不正确');
		await page.getByLabel('6 位验证码').fill(code);
		await page.getByRole('button', { name: '确认' }).click();
		await expect(page.getByText('该手机号将收到司马台长城的预警短信')).toBeVisible();
		await page.screenshot({ path: 'screenshots/scenic-visit-nojs-done.png', fullPage: true });
	});
});
