/**
 * Warnings on the phone, end to end in Chromium: subscribe from /alerts, a warning is
 * issued through the CAP API, the server's fan-out sends it (VAPID, RFC 8291
 * encryption) to a push-service simulator, the payload reaches the service worker and
 * becomes a notification, and a click leads to the warning page.
 *
 * What is stubbed, exactly:
 * - In the page, `PushManager.prototype.subscribe` and `getSubscription` (and the
 *   `unsubscribe` of what they return): the browser cannot reach a real push service
 *   here. They return a subscription whose endpoint is the simulator's
 *   (`<origin>/push/0/<id>`) and whose keys are real P-256 keys the simulator holds, so
 *   the server encrypts for a key that can really decrypt it.
 * - The push service itself: tests/e2e-server.ts runs the simulator in the server's
 *   process on loopback; it checks each request's VAPID JWT and decrypts every body.
 * - Delivery from the push service to the browser: the decrypted payload is handed to
 *   the service worker with the DevTools protocol (`ServiceWorker.deliverPushMessage`),
 *   which fires a real `push` event.
 * - The click: no protocol clicks a notification, so the test dispatches a synthetic
 *   `notificationclick` (a `NotificationEvent` holding the real notification from
 *   `registration.getNotifications()`) inside the service worker; the worker's own
 *   handler then takes the open tab to the warning page.
 * Everything else is real: the page, the service worker, the API, the database match,
 * the fan-out, the receipts and the console's counts.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { E2E, e2eApiKey, e2ePushSimulator, pushTo, simulatorPayload, type PushSimulator, signIn } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.setTimeout(150_000);

// Within 溪翁庄镇 (its documented centre), inside its approximate township area.
const HERE = { latitude: 40.4646, longitude: 116.8633 };

async function phone(browser: Browser, sim: PushSimulator, endpointId: string, locale = 'zh-CN'): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ locale, geolocation: HERE, permissions: ['geolocation', 'notifications'] });
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
	const page = await context.newPage();
	return { context, page };
}

/** Beijing time, as CAP wants it. */
const capTime = (msFromNow: number) => `${new Date(Date.now() + msFromNow + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

/**
 * An orange rainstorm warning over a small square around HERE. It takes effect in two
 * hours: issued (and so delivered) now, coming into force (the notification says when).
 */
function capAlert(identifier: string, msgType = 'Alert', references = ''): string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>12379@cma.gov.cn</sender><sent>${capTime(0)}</sent>
  <status>Actual</status><msgType>${msgType}</msgType><scope>Public</scope>${references}
  <info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Expected</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><effective>${capTime(2 * 3600_000)}</effective><expires>${capTime(4 * 3600_000)}</expires>
    <headline>溪翁庄镇暴雨橙色预警（推送测试）</headline><description>预计有大暴雨。</description><instruction>远离河道，转移到高处。</instruction>
    <parameter><valueName>预警级别</valueName><value>橙色</value></parameter>
    <area><areaDesc>溪翁庄镇</areaDesc><polygon>40.45,116.85 40.48,116.85 40.48,116.88 40.45,116.88 40.45,116.85</polygon></area>
  </info>
  <info><language>en</language><category>Met</category><event>Rainstorm</event><urgency>Expected</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><effective>${capTime(2 * 3600_000)}</effective><expires>${capTime(4 * 3600_000)}</expires>
    <headline>Orange rainstorm warning for Xiwengzhuang (push test)</headline><description>Torrential rain.</description><instruction>Keep away from rivers; go to higher ground.</instruction>
    <parameter><valueName>预警级别</valueName><value>橙色</value></parameter>
    <area><areaDesc>Xiwengzhuang</areaDesc><polygon>40.45,116.85 40.48,116.85 40.48,116.88 40.45,116.88 40.45,116.85</polygon></area>
  </info>
</alert>`;
}

async function notifications(page: Page) {
	return page.evaluate(async () =>
		(await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
			title: n.title,
			body: n.body,
			tag: n.tag,
			requireInteraction: n.requireInteraction,
			silent: n.silent,
			icon: n.icon,
			url: (n.data as { url?: string } | null)?.url
		}))
	);
}

test('subscribe where I am, a warning is issued, the service worker shows it, a click opens the warning page', async ({ browser, request }) => {
	const sim = e2ePushSimulator();
	const endpointId = `journey-${Date.now()}`;
	const { context, page } = await phone(browser, sim, endpointId);
	await page.goto('/');
	await page.getByRole('link', { name: '在本机接收预警' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('在本机接收预警');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });

	// Nothing chosen yet: the API's refusal is named in the page's language.
	await page.getByRole('button', { name: '在本机接收预警' }).click();
	await expect(page.getByRole('alert')).toContainText('请至少选择一个地点');

	await page.getByRole('button', { name: '使用我现在的位置' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已添加' })).toBeVisible();
	await page.getByRole('button', { name: '在本机接收预警' }).click();
	await expect(page.getByText('完成：预警将显示在本机上。')).toBeVisible({ timeout: 60_000 });
	await page.screenshot({ path: 'screenshots/alerts-subscribed-zh.png', fullPage: true });
	// The device keeps its points rounded to ~100 m, for the service worker's place check.
	const kept = await page.evaluate(async () => (await (await caches.open('alerts')).match('/alerts/device.json'))!.json());
	expect(kept[0].places[0]).toMatchObject({ lat: 40.465, lon: 116.863 });
	// Reloaded, the page is controlled by the service worker (the click below needs that).
	await page.reload();
	await expect(page.getByRole('heading', { name: '本机上的订阅' })).toBeVisible();

	const identifier = `push-journey-${Date.now()}`;
	const created = await request.post('/api/cap', {
		data: capAlert(identifier),
		headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' }
	});
	expect(created.status()).toBe(201);
	const warning = (await created.json()) as { id: string; threadId: string };

	let payload: string | null = null;
	await expect
		.poll(async () => (payload = await simulatorPayload(sim, endpointId)), { timeout: 20_000, intervals: [250] })
		.not.toBeNull();
	const sent = JSON.parse(payload!);
	expect(sent).toMatchObject({ id: warning.threadId, w: warning.id, level: 'orange', lang: 'zh-CN', url: `/warnings/${warning.threadId}?lang=zh-CN` });
	expect(sent.area).not.toBeNull();

	await pushTo(page, payload!);
	await expect.poll(() => notifications(page)).toHaveLength(1);
	const [shown] = await notifications(page);
	expect(shown).toMatchObject({ title: '溪翁庄镇暴雨橙色预警（推送测试）', tag: warning.threadId, requireInteraction: true });
	// delivered at issue; it says when it takes effect
	expect(shown!.body).toMatch(/^生效时间 .+（即将生效）\n远离河道，转移到高处。$/);
	expect(shown!.icon).toMatch(/\/icons\/level-orange\.png$/);

	// A warning whose area lies elsewhere is skipped on the device: no notification.
	const elsewhere = { ...sent, id: 'elsewhere', area: [[[[117.2, 40.7], [117.25, 40.7], [117.25, 40.75], [117.2, 40.75], [117.2, 40.7]]]] };
	await pushTo(page, JSON.stringify(elsewhere));
	await page.waitForTimeout(1500);
	expect((await notifications(page)).map((n) => n.tag)).toEqual([warning.threadId]);

	// The click, dispatched in the service worker with the real notification (see the top of this file).
	const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
	await worker.evaluate(async (tag) => {
		const sw = self as unknown as ServiceWorkerGlobalScope;
		const [notification] = await sw.registration.getNotifications({ tag });
		sw.dispatchEvent(new NotificationEvent('notificationclick', { notification: notification! }));
	}, warning.threadId);
	await expect(page).toHaveURL(new RegExp(`/warnings/${warning.threadId}`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('溪翁庄镇暴雨橙色预警（推送测试）');
	expect(await notifications(page)).toHaveLength(0);

	// A Cancel of the warning leaves one quiet "lifted" note under the same tag.
	await pushTo(page, JSON.stringify({ ...sent, type: 'Cancel', title: 'lifted: test' }));
	await expect.poll(() => notifications(page)).toHaveLength(1);
	expect((await notifications(page))[0]).toMatchObject({ tag: warning.threadId, title: 'lifted: test', silent: true, requireInteraction: false });

	// The phone's receipts reach the console's counts.
	const issuer = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
	await signIn(issuer, E2E.issuer, `/console/warnings/${warning.id}`);
	const push = (stat: string) => issuer.locator(`tr[data-stat="${stat}"] td[data-channel="push"]`);
	for (const [stat, n] of [['matched', '1'], ['sent', '1'], ['delivered', '1'], ['shown', '1'], ['failed', '0']] as const) {
		await expect(async () => {
			await issuer.getByRole('button', { name: '刷新' }).click();
			await expect(push(stat)).toHaveText(n, { timeout: 1000 });
		}).toPass({ timeout: 15_000 });
	}
	await issuer.locator('#delivery').screenshot({ path: 'screenshots/delivery-console-stats-zh.png' });
	await issuer.goto(`/console/warnings/${warning.id}?lang=en`);
	await expect(issuer.getByRole('heading', { name: 'Delivery' })).toBeVisible();
	await issuer.locator('#delivery').screenshot({ path: 'screenshots/delivery-console-stats-en.png' });
	await context.close();
	// lifted again, so the other journeys' pages are not left with it
	const cancel = await request.post('/api/cap', {
		data: capAlert(`${identifier}-cancel`, 'Cancel', `<references>12379@cma.gov.cn,${identifier},2026-01-01T00:00:00+08:00</references>`),
		headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' }
	});
	expect(cancel.status()).toBe(201);
});

test('what we store about me, and delete everything (English)', async ({ browser }) => {
	const sim = e2ePushSimulator();
	const endpointId = `store-${Date.now()}`;
	const { context, page } = await phone(browser, sim, endpointId, 'en');
	await page.goto('/alerts?lang=en');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	// A choice made before the page has hydrated is not seen by the picker: choose until it is.
	await expect(async () => {
		await page.getByLabel('Township').selectOption({ label: 'Xiwengzhuang Town' });
		await expect(page.getByLabel('Village or community')).toBeEnabled({ timeout: 1000 });
	}).toPass();
	await page.getByLabel('Village or community').selectOption({ label: 'Xiwengzhuang Village' });
	await page.getByRole('button', { name: 'Add this village' }).click();
	await page.getByRole('radio', { name: 'Only the hazards I choose' }).check();
	await page.getByRole('checkbox', { name: 'Rainstorm' }).check();
	await page.getByLabel('Lowest level').selectOption('yellow');
	await page.getByRole('checkbox', { name: 'Also send me drills' }).check();
	await page.getByRole('button', { name: 'Receive warnings on this phone' }).click();
	await expect(page.getByText('Done: warnings will appear on this phone.')).toBeVisible({ timeout: 60_000 });

	await page.getByRole('button', { name: 'What we store about you' }).click();
	const stored = page.getByRole('definition');
	await expect(stored.filter({ hasText: 'Xiwengzhuang Village · Xiwengzhuang Town' })).toBeVisible();
	await expect(stored.filter({ hasText: `/push/0/${endpointId}` })).toBeVisible();
	await expect(stored.filter({ hasText: 'Yellow warning and above' })).toBeVisible();
	await expect(stored.filter({ hasText: /^Rainstorm$/ })).toBeVisible();
	await page.screenshot({ path: 'screenshots/alerts-stored-en.png', fullPage: true });
	const { id, secret } = await page.evaluate(() => JSON.parse(localStorage.getItem('subscriptions.device')!)[0]);

	await page.getByRole('button', { name: 'Delete everything' }).click();
	await page.getByRole('button', { name: 'Yes, delete everything' }).click();
	await expect(page.getByText('Deleted. Nothing about this subscription is left on our server.')).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Your subscriptions on this device' })).toHaveCount(0);
	// gone on the server, on the device, and the browser's push subscription is ended
	const after = await page.request.get(`/api/subscriptions/${id}`, { headers: { 'x-subscription-secret': secret } });
	expect(after.status()).toBe(404);
	expect(await page.evaluate(() => [localStorage.getItem('subscriptions.device'), localStorage.getItem('e2e.stubbed-push-subscription')])).toEqual(['[]', null]);
	await context.close();
});

test('a family member without a smartphone: SMS with a one-time code from the outbox', async ({ browser }) => {
	const sim = e2ePushSimulator();
	const { context, page } = await phone(browser, sim, `sms-${Date.now()}`);
	await page.goto('/alerts');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(async () => {
		await page.getByLabel('镇（街道）').selectOption({ label: '溪翁庄镇' });
		await expect(page.getByLabel('村（社区）')).toBeEnabled({ timeout: 1000 });
	}).toPass();
	await page.getByLabel('村（社区）').selectOption({ label: '溪翁庄村' });
	await page.getByRole('button', { name: '添加这个村（社区）' }).click();
	await page.getByLabel('手机号码').fill('1390000123');
	await page.getByRole('button', { name: '发送验证码' }).click();
	await expect(page.getByRole('alert')).toContainText('请输入大陆手机号码');
	await page.getByLabel('手机号码').fill('139 0000 1234');
	await page.getByRole('button', { name: '发送验证码' }).click();
	await expect(page.getByText('验证码已发送至 139 0000 1234')).toBeVisible();

	// No SMS provider here: the text waits in the console's outbox, which admins read.
	const admin = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
	await signIn(admin, E2E.admin, '/console/outbox');
	const text = await admin.getByRole('listitem').filter({ hasText: '13900001234' }).first().textContent();
	const code = /(?<!\d)(\d{6})(?!\d)/.exec(text ?? '')![1]!;

	await page.getByLabel('6 位验证码').fill(code === '000000' ? '111111' : '000000');
	await page.getByRole('button', { name: '确认' }).click();
	await expect(page.getByRole('alert')).toContainText('验证码不正确');
	await page.getByLabel('6 位验证码').fill(code);
	await page.getByRole('button', { name: '确认' }).click();
	await expect(page.getByText('完成：预警将以短信发送至 139 0000 1234。')).toBeVisible();
	await page.getByRole('button', { name: '我们保存了您的哪些信息' }).click();
	await expect(page.getByRole('definition').filter({ hasText: '13900001234' })).toBeVisible();
	await expect(page.getByRole('definition').filter({ hasText: '溪翁庄村 · 溪翁庄镇' })).toBeVisible();
	await context.close();
});

test('a resident follows a report on the phone: dispatched, a push arrives, its click opens the tracking link', async ({ browser }) => {
	const sim = e2ePushSimulator();
	const endpointId = `report-${Date.now()}`;
	const { context, page } = await phone(browser, sim, endpointId);
	await page.goto('/alerts');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await page.getByRole('button', { name: '使用我现在的位置' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已添加' })).toBeVisible();
	await page.getByRole('button', { name: '在本机接收预警' }).click();
	await expect(page.getByText('完成：预警将显示在本机上。')).toBeVisible({ timeout: 60_000 });

	// A category no other journey files, so their counts stay as they expect.
	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await page.getByLabel('隐患类别').selectOption('confined_space');
	await page.getByLabel('问题描述（具体位置、情况）').fill('The manhole cover by the pump house has been missing for a week, only a rope around it');
	await page.getByLabel('乡镇（街道）').selectOption('110118101');
	await page.getByLabel('详细地址或标志物').fill('Pump house by the east gate');
	await page.getByRole('button', { name: '提交反映' }).click();
	await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4}\?t=/);
	const tracking = new URL(page.url());
	const ticket = tracking.pathname.split('/').pop()!;
	await page.getByRole('button', { name: '有进展时在本机通知我' }).click();
	await expect(page.getByText('已开启：本问题有进展时，本机会收到通知。')).toBeVisible();

	// The desk dispatches; the report's step reaches the phone's push service.
	const desk = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
	await signIn(desk, E2E.admin, '/console/reports');
	await desk.getByRole('link', { name: new RegExp(ticket) }).click();
	await desk.getByRole('button', { name: '派单', exact: true }).click();
	await expect(desk.getByText('已派单，待签收')).toBeVisible();

	let payload: string | null = null;
	await expect
		.poll(async () => {
			payload = await simulatorPayload(sim, endpointId);
			return payload && JSON.parse(payload).type;
		}, { timeout: 30_000, intervals: [500] })
		.toBe('report');
	const sent = JSON.parse(payload!);
	expect(sent).toMatchObject({ ticket, id: `report-${ticket}`, body: '已派单，待签收' });
	expect(payload).not.toContain(tracking.searchParams.get('t')!);

	await page.goto('/');
	// A push that reaches a worker still starting up can be lost, as on a phone: deliver again until it shows.
	await expect(async () => {
		await pushTo(page, payload!);
		await expect.poll(async () => (await notifications(page)).map((n) => n.tag), { timeout: 5000 }).toContain(`report-${ticket}`);
	}).toPass({ timeout: 30_000 });
	const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
	await worker.evaluate(async (tag) => {
		const sw = self as unknown as ServiceWorkerGlobalScope;
		const [notification] = await sw.registration.getNotifications({ tag });
		sw.dispatchEvent(new NotificationEvent('notificationclick', { notification: notification! }));
	}, `report-${ticket}`);
	// the phone's own tracking link, token included
	await expect(page).toHaveURL(`${tracking.pathname}${tracking.search}`.replace(/^/, new URL(page.url()).origin));
	await expect(page.getByText('已派单，待签收')).toBeVisible();
	await context.close();
});
