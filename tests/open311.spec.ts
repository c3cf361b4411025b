/**
 * Open311 over HTTP, for what the Vitest suites cannot see: the routes' paths
 * (`services.json`, `requests/{id}.xml`), the hooks (a bad Bearer key answered in the
 * spec's format, CORS on GETs), SvelteKit's own form and CSRF handling of a POST from
 * a server-side client, and the 404/405 fallbacks.
 */
import { expect, test } from '@playwright/test';
import { XMLValidator } from 'fast-xml-parser';
import { e2eApiKey, e2eOpen311Key } from './fixtures';

// A category no other journey counts in the shared e2e database.
const FIELDS = {
	service_code: 'special_equipment',
	description: 'The lift in building 3 stops between floors',
	address_id: '110118101201',
	first_name: 'Secretname',
	phone: '13912345678'
};

test('a civic tool files a request with its key and reads it back in JSON and XML, without personal data', async ({ request }) => {
	const filed = await request.post('/open311/v2/requests.json', { form: { ...FIELDS, api_key: e2eOpen311Key() } });
	expect(filed.status()).toBe(201);
	const [{ service_request_id: id }] = await filed.json();
	expect(id).toMatch(/^MY-\d{8}-\d{4}$/);

	const byBearer = await request.post('/open311/v2/requests.xml', { form: FIELDS, headers: { authorization: `Bearer ${e2eOpen311Key()}` } });
	expect(byBearer.status()).toBe(201);
	expect(XMLValidator.validate(await byBearer.text())).toBe(true);

	const one = await request.get(`/open311/v2/requests/${id}.json`, { headers: { origin: 'https://civic.example' } });
	expect(one.headers()['access-control-allow-origin']).toBe('*');
	const [shown] = await one.json();
	expect(shown).toMatchObject({ service_request_id: id, status: 'open', service_code: 'special_equipment' });

	const listed = await request.get('/open311/v2/requests.xml?service_code=special_equipment&status=open&locale=en');
	expect(listed.headers()['content-type']).toBe('text/xml; charset=utf-8');
	const xml = await listed.text();
	expect(XMLValidator.validate(xml)).toBe(true);
	expect(xml).toContain(`<service_request_id>${id}</service_request_id>`);
	for (const personal of ['Secretname', '13912345678']) expect(xml + JSON.stringify(shown)).not.toContain(personal);
});

test('keys that may not file are refused with 403 in the spec format, before and after the route', async ({ request }) => {
	const none = await request.post('/open311/v2/requests.json', { form: FIELDS });
	expect(none.status()).toBe(403);
	expect(await none.json()).toEqual([{ code: 403, description: expect.stringContaining('API key') }]);

	const issuer = await request.post('/open311/v2/requests.json', { form: FIELDS, headers: { authorization: `Bearer ${e2eApiKey()}` } });
	expect(issuer.status()).toBe(403);

	const unknown = await request.post('/open311/v2/requests.xml', { form: FIELDS, headers: { authorization: 'Bearer smk_not-a-real-key' } });
	expect(unknown.status()).toBe(403);
	expect(await unknown.text()).toMatch(/<errors>\s*<error>\s*<code>403<\/code>/);
});

test('discovery, services, a definition, and the fallbacks for unknown paths and methods', async ({ request }) => {
	const services = await request.get('/open311/v2/services.json?locale=en');
	expect((await services.json()).map((s: { service_code: string }) => s.service_code)).toContain('gas');
	expect(await (await request.get('/open311/v2/services/gas.json')).json()).toEqual({ service_code: 'gas', attributes: [] });

	const discovery = await request.get('/open311/discovery.json');
	expect((await discovery.json()).endpoints[0].url).toMatch(/\/open311\/v2$/);

	const unknown = await request.get('/open311/v2/discovery.json');
	expect(unknown.status()).toBe(404);
	expect(await unknown.json()).toEqual([{ code: 404, description: expect.any(String) }]);

	const wrongMethod = await request.delete('/open311/v2/services.xml');
	expect(wrongMethod.status()).toBe(405);
	expect(wrongMethod.headers()['allow']).toBe('GET');
	expect(XMLValidator.validate(await wrongMethod.text())).toBe(true);
});
