/**
 * Earthquake early warning, end to end: the network's key POSTs an EEW and an open page
 * turns into the full-screen alert with a countdown; a revision replaces it; a message
 * that arrives after the S-wave says so; a drill is marked as one in both languages; a
 * push to the service worker does the same on an open page. A warning issuer's key
 * cannot use either door.
 *
 * Every quake here is far from Miyun (near Shijiazhuang, ~330 km): pages of other
 * journeys, which estimate for central Miyun, see nothing (below II); this page is put
 * 30 km from the epicentre (position allowed), where an M5.0 is loud (V).
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E, e2eApiKey, e2eEewKey, pushTo, signIn } from './fixtures';
import { eewCap } from '../src/lib/server/eew/testing';

// Far from Miyun on purpose: the journeys run beside others, and every open page in Miyun
// (no position: the district's centre) shows a quake felt there — a quake 300 km away
// (Hebei) was, as a quiet notice with role "status", and broke other journeys' look-ups.
// At 1,500 km (Sichuan) no page in Miyun feels these quakes; this file's pages stand 30 km
// from the epicentre by their position.
// Each test has its own site, 8° of longitude (~770 km) from the others: a page shows the
// quake strongest where it stands (not the latest issued), so an earlier test's quake,
// still shaking, would otherwise be the one shown.
const EPICENTRE = { lat: 30.05, lon: 104.5 };
const siteOf = (n: number) => ({ lat: EPICENTRE.lat, lon: EPICENTRE.lon + 8 * n });
// 0.27° north: 30 km
const hereOf = (n: number) => ({ latitude: 30.32, longitude: siteOf(n).lon });

const body = (over: Record<string, unknown> = {}, site = 0) => ({
	eventId: `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
	sequence: 1,
	originTime: new Date(Date.now() - 1000).toISOString(),
	latitude: siteOf(site).lat,
	longitude: siteOf(site).lon,
	depthKm: 10,
	magnitude: 5.0,
	...over
});

async function post(request: APIRequestContext, data: Record<string, unknown>, key = e2eEewKey()) {
	return request.post('/api/eew', { data, headers: { authorization: `Bearer ${key}` } });
}

async function openPage(page: Page, path = '/', site = 0) {
	await page.context().grantPermissions(['geolocation', 'notifications']);
	await page.context().setGeolocation(hereOf(site));
	await page.goto(path);
	await page.locator('html[data-hydrated]').waitFor();
	await page.locator('html[data-live="open"]').waitFor();
}

test('an EEW posted to the API turns an open page into the full-screen alert with a countdown; a revision replaces it', async ({ page, request }) => {
	await openPage(page);
	const first = body();
	const posted = Date.now();
	const response = await post(request, first);
	expect(response.status()).toBe(201);
	const alert = page.getByRole('alertdialog');
	await expect(alert).toBeVisible();
	test.info().annotations.push({ type: 'POST to full-screen alert', description: `${Date.now() - posted} ms (Playwright polling included)` });
	await expect(alert).toContainText('地震预警');
	await expect(alert).toContainText('趴下、掩护、抓牢');
	await expect(page.getByTestId('eew-countdown')).toHaveText(/^\d+ 秒$/);
	const left = Number((await page.getByTestId('eew-countdown').textContent())!.split(' ')[0]);
	expect(left).toBeGreaterThan(0);
	expect(left).toBeLessThanOrEqual(9);
	await expect(alert).toContainText('预估烈度 V 度');
	await expect(alert).toContainText('室内绝大多数');
	await expect(alert).toContainText('盲区');
	await page.screenshot({ path: 'test-results/eew-countdown-zh.png' });

	// the same message again: idempotent
	expect((await post(request, first)).status()).toBe(200);
	// same event and sequence, other facts: a conflict
	expect((await post(request, { ...first, magnitude: 6 })).status()).toBe(409);
	// a revision replaces it: larger magnitude, report 2
	expect((await post(request, { ...first, sequence: 2, msgType: 'Update', magnitude: 5.6 })).status()).toBe(201);
	await expect(alert).toContainText('第 2 报');
	await expect(alert).toContainText('5.6 级地震');
	// an older revision arriving late changes nothing
	expect((await post(request, { ...first, sequence: 1, magnitude: 5.0, originTime: first.originTime })).status()).toBe(200);
	await expect(alert).toContainText('5.6 级地震');
	// the countdown runs out: shaking now, then the after-shaking advice
	await expect(alert).toContainText('正在晃动', { timeout: 15_000 });
});

test('a message that arrives after the S-wave says so, and points to the guide and an earthquake shelter', async ({ page, request }) => {
	await openPage(page, '/', 1);
	expect((await post(request, body({ originTime: new Date(Date.now() - 15_000).toISOString() }, 1))).status()).toBe(201);
	const alert = page.getByRole('alertdialog');
	await expect(alert).toContainText('地震波已经到达。请检查身边是否有人受伤');
	await expect(page.getByTestId('eew-countdown')).toHaveCount(0);
	await expect(alert.getByRole('link', { name: '地震应急指南' })).toHaveAttribute('href', '/guides/earthquake');
	await expect(alert.getByRole('link', { name: /地震应急避难场所/ })).toBeVisible();
	await page.screenshot({ path: 'test-results/eew-late-zh.png' });
	await alert.getByRole('button', { name: '关闭' }).click();
	await expect(alert).toHaveCount(0);
});

test('a drill is marked DRILL / 演习 everywhere, in both languages', async ({ page, request }) => {
	await openPage(page, '/?lang=en', 2);
	expect((await post(request, body({ status: 'Exercise' }, 2))).status()).toBe(201);
	const alert = page.getByRole('alertdialog');
	await expect(alert).toContainText('[DRILL] Earthquake early warning');
	await expect(alert).toContainText('this is an earthquake early-warning drill');
	await expect(alert).toContainText('Drop, Cover, Hold on');
	await expect(page.getByTestId('eew-countdown')).toHaveText(/^\d+ s$/);
	await page.screenshot({ path: 'test-results/eew-drill-en.png' });

	await openPage(page, '/guides?lang=zh-CN', 2);
	await expect(page.getByRole('alertdialog')).toContainText('演习 · 这是地震预警演习');
	await expect(page.getByRole('alertdialog')).toContainText('[演习] 地震预警');
	await page.screenshot({ path: 'test-results/eew-drill-zh.png' });
});

test('a push to the service worker puts the alert on an open page', async ({ page }) => {
	await openPage(page, '/?lang=en', 3);
	await page.evaluate(() => navigator.serviceWorker.ready);
	// the worker estimates for the places the subscribe page keeps on the device
	await page.evaluate(async (here) => {
		const places = [{ lat: here.latitude, lon: here.longitude, label: null }];
		await (await caches.open('alerts')).put('/alerts/device.json', new Response(JSON.stringify([{ id: 'x', secret: 'y', channel: 'push', places }])));
	}, hereOf(3));
	const wire = { v: 1, type: 'eew', e: `e2e-push-${Date.now()}`, q: 1, x: 'Alert', st: 'Actual', t: Date.now() - 1000, la: siteOf(3).lat, lo: siteOf(3).lon, d: 10, m: 5, l: 'en' };
	await pushTo(page, JSON.stringify(wire));
	const alert = page.getByRole('alertdialog');
	await expect(alert).toContainText('Strong shaking in');
	await expect(alert).toContainText('Estimated intensity V');
	await page.screenshot({ path: 'test-results/eew-countdown-en.png' });
	// the notification follows the page message (the worker tells open pages first)
	const note = () =>
		page.evaluate(async (tag) => (await (await navigator.serviceWorker.ready).getNotifications({ tag })).map((n) => ({ title: n.title, body: n.body, requireInteraction: n.requireInteraction }))[0] ?? null, `eew-${wire.e}`);
	await expect.poll(note).not.toBeNull();
	expect(await note()).toMatchObject({ title: 'Earthquake early warning M5.0', requireInteraction: true });
	expect((await note())!.body).toMatch(/^Strong shaking in about \d+ s, estimated intensity V\. Drop, Cover, Hold on!$/);
});

test('only the network’s key issues an EEW: a warning issuer’s key cannot skip approval through it', async ({ request }) => {
	const asIssuer = await post(request, body({}, 4), e2eApiKey());
	expect(asIssuer.status()).toBe(403);
	expect((await asIssuer.json()).error).toMatch(/eew_network/);
	const f = { eventId: `e2e-cap-${Date.now()}`, sequence: 1, msgType: 'Alert' as const, status: 'Actual' as const, originTime: new Date(Date.now() - 1000), lat: siteOf(4).lat, lon: siteOf(4).lon, depthKm: 10, magnitude: 5 };
	const cap = (key: string) => request.post('/api/cap', { data: eewCap(f), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cap+xml' } });
	expect((await cap(e2eApiKey())).status()).toBe(403);
	expect((await cap(e2eEewKey())).status()).toBe(201);
	expect((await cap(e2eEewKey())).status()).toBe(200);
	// bad input: a 400 naming the field
	const bad = await post(request, body({ magnitude: 12 }, 4));
	expect(bad.status()).toBe(400);
	expect(await bad.json()).toMatchObject({ field: 'magnitude' });
	expect((await request.post('/api/eew', { data: body({}, 4) })).status()).toBe(401);
});

test('the console starts a drill for a township; the page near it plays the sequence marked as a drill', async ({ page, browser }) => {
	await signIn(page, E2E.issuer, '/console/eew-drill');
	// a small quake under Gubeikou: loud only within a few km, so pages elsewhere see nothing
	await page.getByLabel('乡镇').selectOption('110118111');
	await page.getByLabel('震级').fill('3.0');
	await page.getByRole('button', { name: '开始演习' }).click();
	await expect(page.getByRole('status')).toContainText('演习已开始：古北口镇，3 级');
	const recent = (await (await page.request.get('/api/eew/recent')).json()) as { st: string; m: number; la: number; lo: number }[];
	const drill = recent.find((w) => w.st === 'Exercise' && w.m === 3)!;
	expect(drill).toBeTruthy();
	// a resident's page at the drill's epicentre, opened during the drill
	const resident = await browser.newContext({ geolocation: { latitude: drill.la, longitude: drill.lo }, permissions: ['geolocation'] });
	const there = await resident.newPage();
	await there.goto('/');
	await expect(there.getByRole('alertdialog')).toContainText('[演习] 地震预警');
	await resident.close();
});
