/**
 * POST requests on a real database: only an open311 API key may file (api_key or
 * Bearer; none, an unknown one or another role's gets the spec's 403), and a filed
 * request is an ordinary report — validated, rate-limited, in the dispatch queue,
 * routed by the same rules, with the caller's name and phone seen by the desk only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findApiKey, type ApiKeyIdentity } from '../auth/api-keys';
import { asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends } from '../testing/db';
import * as queue from '../reports/queue';
import { staffClaims } from '../reports/testing';
import * as flow from '../reports/workflow';
import * as open311 from './api';
import { callFor, freshLimits, readXml } from './testing';

type Json = Record<string, unknown>;

const FIELDS = {
	service_code: 'flood_water',
	description: 'Water over the road at the bridge, 40 cm deep',
	lat: '40.4646',
	long: '116.8633',
	address_string: 'Bridge by No. 12',
	first_name: 'Secretname',
	last_name: 'Liu',
	phone: '13912345678',
	email: 'liu@example.cn',
	device_id: 'phone-1'
};

describe.each(backends())('Open311 POST on $name', (backend) => {
	let db: Database;
	let key: string, issuerKey: string, identity: ApiKeyIdentity;
	let desk: Claims;

	const post = async (form: Record<string, string>, o: Parameters<typeof callFor>[2] = {}, format = 'json') => {
		const response = await open311.create(callFor(db, `requests.${format}`, { form, ...o }));
		const text = await response.text();
		return { status: response.status, headers: response.headers, body: (format === 'json' ? JSON.parse(text) : readXml(text)) as unknown };
	};
	const reportOf = async (ticket: string) => {
		const [row] = await asService(db, (tx) =>
			tx.query<{ id: number; category: string; town_code: string; village_code: string | null; address: string; status: string }>(
				'select id, category, town_code, village_code, address, status from public.reports where ticket = $1',
				[ticket]
			)
		);
		return row!;
	};

	beforeAll(async () => {
		db = await backend.open();
		key = await createApiKey(db, 'civic tool', 'open311');
		issuerKey = await createApiKey(db, 'warning feed', 'warning_issuer');
		identity = (await findApiKey(db, key))!;
		desk = await staffClaims(db, 'desk@open311-post.test', 'dispatcher', { departmentCode: 'government_services' });
	});
	afterAll(async () => {
		await db?.close();
	});

	it.each(['json', 'xml'] as const)('files a report with api_key and answers its service_request_id (%s)', async (format) => {
		const { status, body } = await post({ ...FIELDS, api_key: key }, {}, format);
		expect(status).toBe(201);
		const [created] = (format === 'json' ? body : (body as { service_requests: { request: Json[] } }).service_requests.request) as Json[];
		expect(created!.service_request_id).toMatch(/^MY-\d{8}-\d{4}$/);
		expect(String(created!.service_notice)).toContain(String(created!.service_request_id));
		const report = await reportOf(String(created!.service_request_id));
		// flood water has a routing rule: dispatched at filing (直派)
		expect(report).toMatchObject({ category: 'flood_water', status: 'dispatched', address: 'Bridge by No. 12' });
	});

	it('takes the key as a Bearer header too (the hook has checked it)', async () => {
		const { status } = await post(FIELDS, { identity: { kind: 'apikey', ...identity } });
		expect(status).toBe(201);
	});

	it('answers a body that cannot be read with 400 and the spec error list, never 500', async () => {
		const call = callFor(db, 'requests.json', { identity: { kind: 'apikey', ...identity } });
		call.request = new Request(call.url, { method: 'POST', body: '--x\r\nbroken', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
		const response = await open311.create(call);
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual([{ code: 400, description: expect.stringMatching(/could not be read/) }]);
	});

	it.each(['json', 'xml'] as const)('refuses a NUL in a field with 400 naming it in the spec error list, and files nothing (%s)', async (format) => {
		const count = async () => (await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::integer as n from public.reports')))[0]!.n;
		const before = await count();
		const { status, body } = await post({ ...FIELDS, description: 'Water over the road\u0000 at the bridge', api_key: key }, {}, format);
		expect(status).toBe(400);
		const list = format === 'json' ? body : (body as { errors: { error: unknown } }).errors.error;
		expect(list).toEqual([{ code: format === 'json' ? 400 : '400', description: expect.stringMatching(/^description: .*cannot be stored/) }]);
		expect(await count()).toBe(before);
	});

	it.each(['json', 'xml'] as const)('refuses no key, an unknown key and a key of another role with 403 and the spec error list (%s)', async (format) => {
		const before = await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::integer as n from public.reports'));
		for (const [form, identityOf] of [
			[FIELDS, undefined],
			[{ ...FIELDS, api_key: 'smk_not-a-key-at-all' }, undefined],
			[{ ...FIELDS, api_key: issuerKey }, undefined],
			[FIELDS, { kind: 'apikey', ...(await findApiKey(db, issuerKey))! }]
		] as const) {
			const { status, body } = await post(form, identityOf ? { identity: identityOf } : {}, format);
			expect(status).toBe(403);
			const list = format === 'json' ? body : (body as { errors: { error: unknown } }).errors.error;
			expect(list).toEqual([{ code: format === 'json' ? 403 : '403', description: expect.stringMatching(/key/) }]);
		}
		const after = await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::integer as n from public.reports'));
		expect(after[0]!.n).toBe(before[0]!.n);
	});

	it('lands in the dispatch queue, routed by the same rules as /report; the name and phone reach the desk only', async () => {
		const { body } = await post({ ...FIELDS, service_code: 'hazmat', description: 'Drums of chemicals dumped by the river bank', api_key: key });
		const ticket = String((body as Json[])[0]!.service_request_id);
		// hazmat goes to the emergency bureau by rule at once; the desk sees it as auto-dispatched
		const queued = await as(db, desk, (tx) => queue.list(tx, 'open'));
		const item = queued.find((q) => q.ticket === ticket)!;
		expect(item).toMatchObject({ category: 'hazmat', status: 'dispatched', department_code: 'emergency', auto: true, people: 1 });
		expect(item.due).not.toBeNull();
		expect(await as(db, desk, (tx) => flow.dispatch(tx, item.id))).toBe('emergency');
		const detail = await as(db, desk, (tx) => queue.detail(tx, item.id));
		expect(detail!.people[0]).toMatchObject({ name: 'Secretname Liu', phone: '13912345678' });

		const shown = await open311.requestById(callFor(db, `requests/${ticket}.json`), ticket);
		const text = await shown.text();
		expect(JSON.parse(text)[0]).toMatchObject({ status: 'open', agency_responsible: expect.stringContaining('应急') });
		for (const personal of ['Secretname', '13912345678', 'liu@example.cn', 'phone-1', 'No. 12']) expect(text).not.toContain(personal);
	});

	it('finds the township from lat/long, or takes it from address_id (a township or village code)', async () => {
		const fromPoint = await post({ service_code: 'road_bridge', description: 'A hole in the road near the seat', lat: '40.3745', long: '116.8395', api_key: key });
		expect((await reportOf(String((fromPoint.body as Json[])[0]!.service_request_id))).town_code).toBe('110118001');
		const fromVillage = await post({ service_code: 'road_bridge', description: 'A hole in the village road', address_id: '110118101201', api_key: key });
		expect(await reportOf(String((fromVillage.body as Json[])[0]!.service_request_id))).toMatchObject({
			town_code: '110118101',
			village_code: '110118101201'
		});
	});

	it('refuses what /report refuses with 400, every problem listed, in the caller’s language', async () => {
		const { status, body } = await post({ service_code: 'potholes', description: 'x', api_key: key, locale: 'en' });
		expect(status).toBe(400);
		const list = body as { code: number; description: string }[];
		expect(list.map((e) => e.code)).toEqual(list.map(() => 400));
		expect(list.map((e) => e.description)).toEqual(
			expect.arrayContaining([
				'service_code: Choose what kind of hazard it is.',
				'description: Describe the hazard in at least 5 characters.',
				expect.stringMatching(/^address_id or lat\/long/)
			])
		);
		const outside = await post({ ...FIELDS, lat: '31.23', long: '121.47', api_key: key, locale: 'en' }); // Shanghai
		expect(outside.status).toBe(400);
		const badId = await post({ ...FIELDS, address_id: '999', api_key: key });
		expect(badId.status).toBe(400);
		const asJson = await open311.create({
			...callFor(db, 'requests.json'),
			request: new Request('http://open311.test/open311/v2/requests.json', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ ...FIELDS, api_key: key })
			})
		});
		expect(asJson.status).toBe(400);
	});

	it('applies the report rate limits: per device_id, then per address, with Retry-After', async () => {
		const limits = freshLimits();
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await post({ ...FIELDS, device_id: 'flood-device', api_key: key }, { limits, address: '192.0.2.50' })).status);
		expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
		const limited = await post({ ...FIELDS, device_id: 'flood-device', api_key: key }, { limits, address: '192.0.2.50' });
		expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
		expect(limited.body).toEqual([{ code: 429, description: expect.stringContaining('try again at') }]);
	});

	it('says to call 119 first when the category or the words say it is happening now', async () => {
		const { body } = await post({ ...FIELDS, service_code: 'gas', description: 'Strong gas smell in the stairwell', api_key: key, locale: 'en' });
		expect(String((body as Json[])[0]!.service_notice)).toMatch(/^If this is happening now, call 119/);
	});
});
