/**
 * Open311 GeoReport v2 reads on a real database, each method in JSON and in XML (the
 * XML parsed back): services, a service definition, requests with the spec's filters,
 * one request, tokens, media — the spec's error list for every refusal, and no
 * personal data, hidden report or redacted photo in any answer.
 */
import { ReportCategoryValues } from '../../db-types.gen';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends } from '../testing/db';
import { preparePhotos, submit, type Draft } from '../reports/submit';
import { draft, fileOf, jpegWithGps, staffClaims } from '../reports/testing';
import * as flow from '../reports/workflow';
import * as open311 from './api';
import { callFor, readXml } from './testing';

type Json = Record<string, unknown>;

describe.each(backends())('Open311 reads on $name', (backend) => {
	let db: Database;
	let desk: Claims, water: Claims;

	const file = async (d: Draft = draft(), files: File[] = []) => {
		const filed = await as(db, ANON_CLAIMS, async (tx) => submit(tx, d, await preparePhotos(files)));
		const [row] = await asService(db, (tx) => tx.query<{ id: number }>('select id from public.reports where ticket = $1', [filed.ticket]));
		return { ...filed, id: row!.id, draft: d };
	};
	const get = (path: string, headers: Record<string, string> = {}) => (path.includes('.xml') ? xml : json)(path, headers);
	const json = async (path: string, headers: Record<string, string> = {}) => {
		const response = await route(path, headers);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
	};
	const xml = async (path: string, headers: Record<string, string> = {}) => {
		const response = await route(path, headers);
		expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
		return { status: response.status, headers: response.headers, body: readXml(await response.text()) as unknown };
	};
	/** What the routes do: dispatch on the path. */
	const route = (path: string, headers: Record<string, string>) => {
		const call = callFor(db, path, { headers });
		const [, kind, id] = call.url.pathname.match(/^\/open311\/v2\/(services|requests|tokens)(?:\/([^/]+?))?\.[a-z]+$/) ?? [];
		if (kind === 'services') return id ? open311.serviceDefinitionOf(call, id) : open311.services(call);
		if (kind === 'requests') return id ? open311.requestById(call, id) : open311.requests(call);
		if (kind === 'tokens') return open311.token(call, id!);
		throw new Error(`no route for ${path}`);
	};
	const errors = (body: unknown, format: 'json' | 'xml') => (format === 'json' ? body : (body as { errors: { error: unknown } }).errors.error);

	beforeAll(async () => {
		db = await backend.open();
		desk = await staffClaims(db, 'desk@open311.test', 'dispatcher', { departmentCode: 'government_services' });
		water = await staffClaims(db, 'water@open311.test', 'handler', { departmentCode: 'water' });
	});
	afterAll(async () => {
		await db?.close();
	});

	describe('services', () => {
		it.each(['json', 'xml'] as const)('lists every category as a service (%s), named in Chinese by default', async (format) => {
			const { status, headers, body } = await get(`services.${format}`);
			expect(status).toBe(200);
			expect(headers.get('access-control-allow-origin')).toBe('*');
			const list = (format === 'json' ? body : (body as { services: { service: Json[] } }).services.service) as Json[];
			expect(list).toHaveLength(ReportCategoryValues.length);
			const flood = list.find((s) => s.service_code === 'flood_water')!;
			expect(Object.keys(flood).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
			expect(flood).toMatchObject({ service_name: '山洪 / 积水 / 河道', type: 'realtime', metadata: format === 'json' ? false : 'false' });
			expect(String(flood.description)).toContain('2 小时');
		});

		it('names services in English for locale=en, lang=en or Accept-Language: en', async () => {
			for (const [path, headers] of [
				['services.json?locale=en', {}],
				['services.json?lang=en', {}],
				['services.json?locale=en_US', {}],
				['services.json', { 'accept-language': 'en-GB,en;q=0.9' }]
			] as const) {
				const { body } = await json(path, headers);
				expect((body as Json[]).find((s) => s.service_code === 'gas'), path).toMatchObject({ service_name: 'Gas hazard', group: 'Danger to life or property' });
			}
		});

		it.each(['json', 'xml'] as const)('defines a service without attributes in the spec form (%s); an unknown code is a 404 error list', async (format) => {
			const { status, body } = await get(`services/gas.${format}`);
			expect(status).toBe(200);
			if (format === 'json') expect(body).toEqual({ service_code: 'gas', attributes: [] });
			else expect(body).toEqual({ service_definition: { service_code: 'gas', attributes: '' } });
			const missing = await get(`services/potholes.${format}`);
			expect(missing.status).toBe(404);
			expect(errors(missing.body, format)).toEqual([{ code: format === 'json' ? 404 : '404', description: expect.stringContaining('potholes') }]);
		});

		it.each(['json', 'xml'] as const)('has a service discovery document pointing at the v2 endpoint (%s)', async (format) => {
			const response = await open311.discover(callFor(db, `../discovery.${format}`));
			expect(response.status).toBe(200);
			const text = await response.text();
			const doc = (format === 'json' ? JSON.parse(text) : (readXml(text).discovery as Json)) as Json;
			const endpoint = format === 'json' ? (doc.endpoints as Json[])[0] : ((doc.endpoints as Json).endpoint as Json[])[0];
			expect(endpoint).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://open311.test/open311/v2', type: 'production' });
			expect(doc.changeset).toMatch(/\+08:00$/);
		});

		it('answers an unknown format with the spec error list in XML', async () => {
			const response = await open311.services(callFor(db, 'services.html'));
			expect(response.status).toBe(404);
			expect(readXml(await response.text())).toEqual({ errors: { error: [{ code: '404', description: expect.stringContaining('html') }] } });
		});
	});

	describe('requests', () => {
		it.each(['json', 'xml'] as const)('shows one request with public fields only (%s)', async (format) => {
			const secret = draft({ name: 'Secretname Zhang', phone: '13912345678', address: 'No. 7 Hidden Lane', village: '110118101201', lat: 40.46464, lon: 116.86337 });
			const r = await file(secret, [fileOf(await jpegWithGps(), 'x.jpg', 'image/jpeg')]);
			// Until the desk has seen it: no text, no photo.
			const before = await get(`requests/${r.ticket}.${format}`);
			const [unseen] = (format === 'json' ? before.body : (before.body as { service_requests: { request: Json[] } }).service_requests.request) as Json[];
			expect(unseen!.service_request_id).toBe(r.ticket);
			expect(JSON.stringify(before.body)).not.toContain(secret.description);
			expect(unseen!.media_url || null).toBeNull();
			await as(db, desk, (tx) => flow.dispatch(tx, r.id));
			const { status, body } = await get(`requests/${r.ticket}.${format}`);
			expect(status).toBe(200);
			const [one] = (format === 'json' ? body : (body as { service_requests: { request: Json[] } }).service_requests.request) as Json[];
			const n = (v: number) => (format === 'json' ? v : String(v));
			expect(one).toMatchObject({
				service_request_id: r.ticket,
				status: 'open',
				service_code: 'flood_water',
				service_name: '山洪 / 积水 / 河道',
				description: secret.description,
				address_id: '110118101201',
				lat: n(40.465),
				long: n(116.863),
				requested_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
				media_url: expect.stringMatching(/^http:\/\/open311\.test\/open311\/v2\/media\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
			});
			expect(String(one!.address)).toContain('溪翁庄镇 溪翁庄村');
			const text = JSON.stringify(body);
			for (const personal of ['Secretname', '13912345678', 'Hidden Lane', r.token, '40.46464']) expect(text).not.toContain(personal);
		});

		it('names the unit, the deadline and the public reply as the report moves on; hidden reports disappear', async () => {
			const r = await file(draft({ lat: 40.38, lon: 116.84, village: '' }));
			const at = async () => ((await json(`requests/${r.ticket}.json?locale=en`)).body as Json[])[0]!;
			// flood water has a routing rule: dispatched to the water bureau at filing (直派), with its deadline
			const filed = await at();
			expect(filed).toMatchObject({ status: 'open', agency_responsible: 'Miyun District Water Affairs Bureau', status_notes: null });
			expect(filed.expected_datetime).toMatch(/\+08:00$/);
			await as(db, desk, (tx) => flow.dispatch(tx, r.id));
			await as(db, water, (tx) => flow.accept(tx, r.id));
			const dispatched = await at();
			expect(dispatched).toMatchObject({ status: 'open', agency_responsible: 'Miyun District Water Affairs Bureau' });
			expect(dispatched.expected_datetime).toMatch(/\+08:00$/);
			expect(String(dispatched.service_notice)).toContain(r.ticket);
			await as(db, water, (tx) => flow.close(tx, r.id, 'Drain cleared, road open again'));
			expect(await at()).toMatchObject({ status: 'closed', status_notes: 'Drain cleared, road open again', expected_datetime: null });

			await as(db, desk, (tx) => flow.hide(tx, r.id, 'test'));
			const gone = await json(`requests/${r.ticket}.json`);
			expect(gone.status).toBe(404);
			expect(gone.body).toEqual([{ code: 404, description: expect.stringContaining(r.ticket) }]);
			const listed = await json(`requests.json?service_request_id=${r.ticket}`);
			expect(listed.body).toEqual([]);
		});

		it('shows a merged duplicate as closed, naming the report it was merged into', async () => {
			const kept = await file();
			const duplicate = await file();
			await as(db, desk, (tx) => flow.merge(tx, duplicate.id, kept.ticket));
			const { body } = await json(`requests/${duplicate.ticket}.json?locale=en`);
			expect((body as Json[])[0]).toMatchObject({ status: 'closed', status_notes: `Merged into ${kept.ticket}, which is handled in its place.` });
		});

		it('filters by service_code, status and dates; service_request_id overrides the other filters', async () => {
			const gas = await file(draft({ category: 'gas', lat: null, lon: null, village: '110118101201' }));
			const road = await file(draft({ category: 'road_bridge' }));
			await as(db, desk, (tx) => flow.dispatch(tx, road.id));
			const ids = async (path: string) => ((await json(path)).body as Json[]).map((x) => x.service_request_id);

			expect(await ids('requests.json?service_code=gas')).toContain(gas.ticket);
			expect(await ids('requests.json?service_code=gas')).not.toContain(road.ticket);
			expect(await ids('requests.json?service_code=gas,road_bridge')).toEqual(expect.arrayContaining([gas.ticket, road.ticket]));
			expect(await ids('requests.json?status=closed')).not.toContain(gas.ticket);
			expect(await ids('requests.json?status=open')).toEqual(expect.arrayContaining([gas.ticket, road.ticket]));
			expect(await ids(`requests.json?service_request_id=${gas.ticket},${road.ticket}&service_code=hazmat&status=closed`)).toEqual(
				expect.arrayContaining([gas.ticket, road.ticket])
			);
			const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
			expect(await ids(`requests.json?start_date=${encodeURIComponent(tomorrow)}`)).toEqual([]);
			expect(await ids('requests.json?end_date=2026-01-01T00:00:00Z')).toEqual([]);

			// Older than the default 90 days: only found with dates that reach back.
			await asService(db, (tx) => tx.query(`update public.reports set created_at = now() - interval '100 days' where id = $1`, [gas.id]));
			expect(await ids('requests.json')).not.toContain(gas.ticket);
			const start = new Date(Date.now() - 120 * 24 * 3600_000).toISOString();
			const end = new Date(Date.now() - 60 * 24 * 3600_000).toISOString();
			expect(await ids(`requests.json?start_date=${start}&end_date=${end}`)).toContain(gas.ticket);
		});

		it.each(['json', 'xml'] as const)('refuses bad filters with 400 and the spec error list (%s)', async (format) => {
			for (const query of [
				'status=pending',
				'service_code=potholes',
				'start_date=yesterday',
				'start_date=2026-11-01T00:00:00',
				'start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z',
				'start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z'
			]) {
				const { status, body } = await get(`requests.${format}?${query}`);
				expect(status, query).toBe(400);
				expect(errors(body, format), query).toEqual([{ code: format === 'json' ? 400 : '400', description: expect.any(String) }]);
			}
		});

		it('caps a list at 1000 requests, newest first', async () => {
			const { body } = await json('requests.json');
			const times = (body as Json[]).map((x) => String(x.requested_datetime));
			expect(times.length).toBeLessThanOrEqual(1000);
			expect([...times].sort().reverse()).toEqual(times);
		});
	});

	/** The staff-side id of a photo, from its public key. */
	const photoId = async (key: string) =>
		(await asService(db, (tx) => tx.query<{ id: number }>('select id from public.report_photos where media_key = $1', [key])))[0]!.id;

	describe('tokens and media', () => {
		it('serves no photo of a report the desk has not seen, and none by a sequential id', async () => {
			const r = await file(draft(), [fileOf(await jpegWithGps(), 'a.jpg', 'image/jpeg')]);
			const [row] = await asService(db, (tx) =>
				tx.query<{ id: string; key: string }>(`select id::text, media_key::text as key from public.report_photos where report_id = $1`, [r.id])
			);
			expect((await open311.media(callFor(db, `media/${row!.key}`), row!.key)).status).toBe(404);
			expect((await open311.media(callFor(db, `media/${row!.id}`), row!.id)).status).toBe(404);
			await as(db, desk, (tx) => flow.dispatch(tx, r.id));
			expect((await open311.media(callFor(db, `media/${row!.key}`), row!.key)).status).toBe(200);
			expect((await open311.media(callFor(db, `media/${row!.id}`), row!.id)).status).toBe(404);
			// Not through the database either: anon has no function that takes a photo id.
			await expect(as(db, ANON_CLAIMS, (tx) => tx.query('select * from public.open311_photo($1)', [row!.id]))).rejects.toThrow();
		});

		it.each(['json', 'xml'] as const)('turns a tracking token into its service_request_id (%s); an unknown token is a 404', async (format) => {
			const r = await file();
			const { status, body } = await get(`tokens/${r.token}.${format}`);
			expect(status).toBe(200);
			const list = format === 'json' ? body : (body as { service_requests: { request: unknown } }).service_requests.request;
			expect(list).toEqual([{ service_request_id: r.ticket, token: r.token }]);
			expect((await get(`tokens/${'x'.repeat(40)}.${format}`)).status).toBe(404);
		});

		it('serves a report photo at media_url, and neither a redacted photo nor one of a hidden report', async () => {
			const r = await file(draft(), [fileOf(await jpegWithGps(), 'a.jpg', 'image/jpeg'), fileOf(await jpegWithGps(), 'b.jpg', 'image/jpeg')]);
			await as(db, desk, (tx) => flow.dispatch(tx, r.id));
			const photo = async () => {
				const [one] = (await json(`requests/${r.ticket}.json`)).body as Json[];
				return one?.media_url as string | null;
			};
			const first = await photo();
			const id = first!.split('/').pop()!;
			const response = await open311.media(callFor(db, `media/${id}`), id);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('image/jpeg');
			expect(Buffer.from(await response.arrayBuffer()).includes('TestCam')).toBe(false);

			const firstPhoto = await photoId(id);
			await as(db, desk, (tx) => flow.redactPhoto(tx, firstPhoto));
			expect((await open311.media(callFor(db, `media/${id}`), id)).status).toBe(404);
			const second = await photo();
			expect(second).not.toBe(first);
			const secondId = second!.split('/').pop()!;
			const secondPhoto = await photoId(secondId);
			await as(db, desk, (tx) => flow.redactPhoto(tx, secondPhoto));
			expect(await photo()).toBeNull();

			const other = await file(draft(), [fileOf(await jpegWithGps(), 'c.jpg', 'image/jpeg')]);
			await as(db, desk, (tx) => flow.dispatch(tx, other.id));
			const [shown] = (await json(`requests/${other.ticket}.json`)).body as Json[];
			const otherId = String(shown!.media_url).split('/').pop()!;
			await as(db, desk, (tx) => flow.hide(tx, other.id, 'test'));
			expect((await open311.media(callFor(db, `media/${otherId}`), otherId)).status).toBe(404);
		});
	});

	it('anon still cannot read the report tables: only the public functions', async () => {
		const [row] = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ n: number }>('select count(*)::integer as n from public.open311_requests(null, null, null, null, null, null, 5)')
		);
		expect(row!.n).toBeGreaterThan(0);
		await expect(as(db, ANON_CLAIMS, (tx) => tx.query('select * from public.report_people'))).rejects.toThrow();
	});
});
