import { expect, test } from '@playwright/test';
import { e2eApiKey } from './fixtures';

test('GET /api/health names the database', async ({ request }) => {
	const response = await request.get('/api/health');
	expect(response.status()).toBe(200);
	expect(await response.json()).toMatchObject({ status: 'ok', database: 'embedded', postgis: expect.stringMatching(/^3\./) });
});

test('GET /api/me: anonymous, API key, and a bad key', async ({ request }) => {
	expect(await (await request.get('/api/me')).json()).toEqual({ kind: 'anon', role: null });

	const withKey = await request.get('/api/me', { headers: { authorization: `Bearer ${e2eApiKey()}` } });
	expect(await withKey.json()).toEqual({ kind: 'apikey', role: 'warning_issuer', name: 'e2e-feed' });

	const bad = await request.get('/api/me', { headers: { authorization: 'Bearer smk_not-a-real-key' } });
	expect(bad.status()).toBe(401);
	expect(bad.headers()['www-authenticate']).toBe('Bearer');
	expect(await bad.json()).toEqual({ error: 'the bearer credential is not valid (unknown, revoked or expired)' });

	const basic = await request.get('/api/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
	expect(basic.status()).toBe(401);
	expect((await basic.json()).error).toMatch(/Bearer/);
});

test('an unknown API path answers 404 in JSON', async ({ request }) => {
	const response = await request.get('/api/nothing/here');
	expect(response.status()).toBe(404);
	expect(await response.json()).toEqual({ error: 'no API at /api/nothing/here' });
});

test('an oversized request body is refused with 413 and nothing is processed', async ({ request }) => {
	const response = await request.post('/console/sign-in', {
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(test.info().project.use.baseURL!).origin },
		data: 'email=a%40b.cn&password=' + 'x'.repeat(1024 * 1024)
	});
	expect(response.status()).toBe(413);
});

test('a cross-site form post is refused (CSRF)', async ({ request }) => {
	const response = await request.post('/console/sign-in', {
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
		data: 'email=a%40b.cn&password=whatever'
	});
	expect(response.status()).toBe(403);
});

test('every response carries the baseline security headers', async ({ request }) => {
	for (const path of ['/', '/api/me', '/console/sign-in']) {
		const headers = (await request.get(path)).headers();
		expect(headers['x-content-type-options'], path).toBe('nosniff');
		expect(headers['x-frame-options'], path).toBe('DENY');
		expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
	}
});
