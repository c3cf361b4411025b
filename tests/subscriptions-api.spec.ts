/**
 * The subscriptions API over HTTP against the real server: bad input gets a 4xx that
 * names the field, an SMS subscription is confirmed with the code from the outbox, the
 * owner reads and deletes everything with the secret, and nobody else can.
 */
import { expect, test } from '@playwright/test';
import { outboxCode } from './fixtures';

const HOME = { lat: 40.45, lon: 116.83, label: 'home' };

test('bad subscriptions are refused with the field named, and nothing is stored', async ({ request }) => {
	const wrongType = await request.post('/api/subscriptions', { headers: { 'content-type': 'application/xml' }, data: '<subscribe/>' });
	expect(wrongType.status()).toBe(415);
	const notJson = await request.post('/api/subscriptions', { headers: { 'content-type': 'application/json' }, data: Buffer.from('{"push":') });
	expect(notJson.status()).toBe(400);
	expect(await notJson.json()).toEqual({ code: 'bad_json', error: '请求内容不是有效的 JSON。' });

	const bad = await request.post('/api/subscriptions', {
		data: { push: { endpoint: 'https://192.168.1.1/push', keys: { p256dh: 'x', auth: 'y' } }, places: [], lang: 'fr', minLevel: 'purple' }
	});
	expect(bad.status()).toBe(400);
	const body = await bad.json();
	expect(body.code).toBe('invalid');
	expect(body.fields).toMatchObject({
		'push.endpoint': { code: 'push', detail: 'must name a push service, not an address' },
		'push.keys.p256dh': { code: 'push' },
		places: { code: 'places', detail: 'must be a list of 1 to 5 places' },
		lang: { code: 'invalid', detail: 'must be "zh-CN" or "en"' },
		minLevel: { code: 'invalid', detail: 'must be blue, yellow, orange or red' }
	});

	const faraway = await request.post('/api/subscriptions', { data: { phone: '13911112222', places: [{ lat: 31.23, lon: 121.47, label: 'Shanghai' }] } });
	expect(faraway.status()).toBe(400);
	expect((await faraway.json()).fields.places).toMatchObject({ code: 'place_outside', detail: expect.stringMatching(/outside Miyun District/) });
});

test('an SMS subscription: code by text, confirm, read everything, delete everything', async ({ request, page }) => {
	const phone = '13700001234';
	const made = await request.post('/api/subscriptions', { data: { phone, places: [HOME], lang: 'zh-CN', hazards: ['flash_flood', 'rainstorm'], minLevel: 'yellow' } });
	expect(made.status()).toBe(201);
	const { id, secret, confirm } = await made.json();
	expect(confirm).toBe(true);
	const headers = { 'x-subscription-secret': secret };

	const wrong = await request.post(`/api/subscriptions/${id}/confirm`, { headers, data: { code: '000000' } });
	expect([400, 200]).toContain(wrong.status()); // one in a million: the wrong code is right
	const code = await outboxCode(page, phone);
	const right = await request.post(`/api/subscriptions/${id}/confirm`, { headers, data: { code } });
	expect(right.status()).toBe(200);

	const stored = await request.get(`/api/subscriptions/${id}`, { headers });
	expect(stored.status()).toBe(200);
	expect(stored.headers()['cache-control']).toBe('no-store');
	expect(await stored.json()).toMatchObject({
		id, channel: 'sms', phone, confirmed: true, lang: 'zh-CN', hazards: ['flash_flood', 'rainstorm'], minLevel: 'yellow',
		places: [{ label: 'home', lat: 40.45, lon: 116.83 }]
	});

	expect((await request.get(`/api/subscriptions/${id}`)).status()).toBe(401);
	expect((await request.get(`/api/subscriptions/${id}`, { headers: { 'x-subscription-secret': 'guess' } })).status()).toBe(404);
	expect((await request.delete(`/api/subscriptions/${id}`, { headers: { 'x-subscription-secret': 'guess' } })).status()).toBe(404);

	expect((await request.delete(`/api/subscriptions/${id}`, { headers })).status()).toBe(204);
	expect((await request.get(`/api/subscriptions/${id}`, { headers })).status()).toBe(404);
});

test('receipts for deliveries that do not exist are refused', async ({ request }) => {
	const response = await request.post('/api/subscriptions/receipts', {
		data: { warning: '00000000-0000-4000-8000-000000000000', subscription: '00000000-0000-4000-8000-000000000001', event: 'shown' }
	});
	expect(response.status()).toBe(404);
	expect((await request.post('/api/subscriptions/receipts', { data: { warning: 1 } })).status()).toBe(400);
});

test('the VAPID public key is published for browsers to subscribe with', async ({ request }) => {
	const { publicKey } = await (await request.get('/api/push/public-key')).json();
	expect(publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
});

test('the short link of a text refuses what is not a warning', async ({ request }) => {
	expect((await request.get('/w/not-hex!', { maxRedirects: 0 })).status()).toBe(404);
	expect((await request.get('/w/00000000', { maxRedirects: 0 })).status()).toBe(404);
});
