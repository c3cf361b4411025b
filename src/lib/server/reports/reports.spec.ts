/**
 * Reports on a real database: filing (idempotent), the token as the only way in,
 * routing, deadlines, who may make each step, rates, the SLA clock, retention — and
 * who must NOT see a reporter's name and phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { as, backends, sqlState } from '../testing/db';
import * as queue from './queue';
import { rates } from './rates';
import * as routing from './routing';
import { eraseOldContacts, escalateOverdue } from './sla';
import { freshIds, join, nearby, preparePhotos, submit, type Draft } from './submit';
import { draft, fileOf, jpegWithGps, staffClaims } from './testing';
import { rate, track } from './track';
import * as flow from './workflow';

const anon = <T>(db: Database, work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work);

describe.each(backends())('reports on $name', (backend) => {
	let db: Database;
	let desk: Claims, townDesk: Claims, otherTownDesk: Claims, water: Claims, fire: Claims, xiweng: Claims, issuer: Claims;

	const file = async (d: Draft = draft(), files: File[] = []) => {
		const photos = await preparePhotos(files);
		const filed = await anon(db, (tx) => submit(tx, d, photos));
		const [row] = await asService(db, (tx) => tx.query<{ id: number }>('select id from public.reports where ticket = $1', [filed.ticket]));
		return { ...filed, id: row!.id, draft: d };
	};

	beforeAll(async () => {
		db = await backend.open();
		desk = await staffClaims(db, 'desk@test.cn', 'dispatcher', { departmentCode: 'government_services' });
		townDesk = await staffClaims(db, 'desk-xw@test.cn', 'dispatcher', { townCode: '110118101' });
		otherTownDesk = await staffClaims(db, 'desk-gb@test.cn', 'dispatcher', { townCode: '110118111' });
		water = await staffClaims(db, 'water@test.cn', 'handler', { departmentCode: 'water' });
		fire = await staffClaims(db, 'fire@test.cn', 'handler', { departmentCode: 'fire_rescue' });
		xiweng = await staffClaims(db, 'xw@test.cn', 'handler', { townCode: '110118101' });
		issuer = await staffClaims(db, 'issuer@test.cn', 'warning_issuer', { departmentCode: 'meteorology' });
	});
	afterAll(async () => {
		await db?.close();
	});

	describe('filing', () => {
		it('gives a ticket MY-YYYYMMDD-NNNN; the same idempotency key twice gives one report', async () => {
			const d = draft();
			const first = await anon(db, (tx) => submit(tx, d));
			const again = await anon(db, (tx) => submit(tx, d));
			expect(first.ticket).toMatch(/^MY-\d{8}-\d{4}$/);
			expect(first.created).toBe(true);
			expect(again).toEqual({ ...first, created: false });
			const [count] = await asService(db, (tx) =>
				tx.query<{ n: number }>('select count(*)::integer as n from public.reports where idempotency_key = $1', [d.key])
			);
			expect(count!.n).toBe(1);
			const next = await file();
			expect(Number(next.ticket.slice(-4))).toBe(Number(first.ticket.slice(-4)) + 1);
		});

		it('stores only the hash of the tracking token, and photos without EXIF', async () => {
			const r = await file(draft(), [fileOf(await jpegWithGps(), 'x.jpg', 'image/jpeg')]);
			const [row] = await asService(db, (tx) =>
				tx.query<{ token_hash: string; bytes: Uint8Array }>(
					'select r.token_hash, p.bytes from public.reports r join public.report_photos p on p.report_id = r.id where r.id = $1',
					[r.id]
				)
			);
			expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
			expect(row!.token_hash).not.toContain(r.token);
			expect(Buffer.from(row!.bytes).includes('TestCam')).toBe(false);
		});

		it('refuses in the database what the form would refuse: a non-image, a place outside Miyun, a village of another town', async () => {
			const call = (over: Record<string, unknown>) =>
				sqlState(
					anon(db, (tx) =>
						tx.query('select * from public.report_submit($1, $2, $3, $4, $5, $6, $7, $8, $9, null, null, $10::jsonb)', [
							crypto.randomUUID(),
							'a'.repeat(40),
							'other',
							'A long enough description',
							over.town ?? '110118101',
							over.village ?? null,
							null,
							over.lon ?? null,
							over.lat ?? null,
							JSON.stringify(over.photos ?? [])
						])
					)
				);
			const text = Buffer.from('not an image at all, really').toString('base64');
			expect(await call({ photos: [{ type: 'image/jpeg', width: 1, height: 1, base64: text }] })).toBe('22023');
			expect(await call({ lon: 121.47, lat: 31.23 })).toBe('22023'); // Shanghai
			expect(await call({ village: '110118111001' })).toBe('22023');
			expect(await call({})).toBeNull();
		});
	});

	describe('anonymous residents', () => {
		it('cannot list reports, people, events or photos', async () => {
			await file();
			for (const table of ['reports', 'report_people', 'report_events', 'report_photos', 'report_cohandlers']) {
				expect(await sqlState(anon(db, (tx) => tx.query(`select * from public.${table}`))), table).toBe('42501');
			}
		});

		it('follow their own report by its token only, without anyone’s name or phone', async () => {
			// no routing rule for landslides: the report waits for the desk (属地)
			const r = await file(draft({ category: 'geological' }));
			const seen = await anon(db, (tx) => track(tx, r.ticket, r.token));
			expect(seen!.report).toMatchObject({ ticket: r.ticket, status: 'received', reporter: true });
			expect(JSON.stringify(seen)).not.toContain(r.draft.phone);
			expect(seen!.timeline.map((e) => e.kind)).toEqual(['received']);
			expect(await anon(db, (tx) => track(tx, r.ticket, 'b'.repeat(40)))).toBeNull();
			const other = await file();
			expect(await anon(db, (tx) => track(tx, other.ticket, r.token))).toBeNull();
		});

		it('see open reports of the same category nearby and join one instead of duplicating', async () => {
			const r = await file(draft({ category: 'road_bridge', lat: 40.3, lon: 116.9 }));
			const near = await anon(db, (tx) => nearby(tx, { category: 'road_bridge', lat: 40.3005, lon: 116.9, village: '' }));
			expect(near.map((n) => n.ticket)).toContain(r.ticket);
			expect(JSON.stringify(near)).not.toContain('13800000000');
			const far = await anon(db, (tx) => nearby(tx, { category: 'road_bridge', lat: 40.5, lon: 116.9, village: '' }));
			expect(far.map((n) => n.ticket)).not.toContain(r.ticket);
			const other = await anon(db, (tx) => nearby(tx, { category: 'gas', lat: 40.3, lon: 116.9, village: '' }));
			expect(other.map((n) => n.ticket)).not.toContain(r.ticket);

			const key = crypto.randomUUID();
			expect(await anon(db, (tx) => join(tx, r.id, key, 'Wang', '13900000000'))).toBe(r.ticket);
			await anon(db, (tx) => join(tx, r.id, key, 'Wang', '13900000000'));
			const seen = await anon(db, (tx) => track(tx, r.ticket, r.token));
			expect(seen!.report.supporters).toBe(1);
		});

		it('nearby does not locate a report: distances from its rounded point, to 100 m; no text until the desk saw it', async () => {
			// A report 0.4 m from a point an attacker might guess; its rounded point is 40.312, 116.912.
			const secret = draft({ category: 'construction', lat: 40.31234, lon: 116.91234, description: 'Lamp out at the secret gate' });
			const r = await file(secret);
			const look = (lat: number, lon: number) =>
				anon(db, (tx) => nearby(tx, { category: 'construction', lat, lon, village: '' })).then((l) => l.find((n) => n.ticket === r.ticket));
			// Probes around the exact point all give the same coarse answers as probes around the rounded one.
			const probes = [
				[40.31234, 116.91234],
				[40.3124, 116.9123],
				[40.3155, 116.91234],
				[40.31234, 116.9161]
			] as const;
			for (const [lat, lon] of probes) {
				const seen = await look(lat, lon);
				expect(seen, `${lat},${lon}`).toBeDefined();
				expect(seen!.meters! % 100, `${lat},${lon}`).toBe(0);
			}
			expect((await look(40.31234, 116.91234))!.meters).toBe(0);
			// 300 m north of the exact point is ~290 m from the rounded one: still "300".
			expect((await look(40.3150, 116.91234))!.meters).toBe(300);
			// Not reviewed: no description for anyone yet; once dispatched, the first 140 characters.
			expect((await look(40.312, 116.912))!.description).toBeNull();
			await as(db, desk, (tx) => flow.dispatch(tx, r.id, { department: 'water' }));
			expect((await look(40.312, 116.912))!.description).toBe(secret.description);
			const [row] = await asService(db, (tx) => tx.query<{ reviewed_at: Date | null }>('select reviewed_at from public.reports where id = $1', [r.id]));
			expect(row!.reviewed_at).toBeInstanceOf(Date);
		});

		it('dispatch goes to a unit that exists, or not at all: an unknown target is "unknown unit", nothing changes (an outside tester’s finding)', async () => {
			for (const to of ['../../x', 'department:', 'department', 'dept:water', 'town:../x']) {
				expect(() => flow.dispatchTarget(to), to).toThrow(expect.objectContaining({ key: 'reports.errors.unknown_unit' }));
			}
			expect(flow.dispatchTarget('')).toEqual({});
			expect(flow.dispatchTarget('department:water')).toEqual({ department: 'water' });
			expect(flow.dispatchTarget('town:110118101')).toEqual({ town: '110118101' });
			const r = await file();
			const state = async () =>
				(await asService(db, (tx) => tx.query('select status, department_code, unit_town_code, dispatched_at from public.reports where id = $1', [r.id])))[0];
			const before = await state();
			for (const to of [{ department: 'nowhere' }, { town: '999' }]) {
				await expect(as(db, desk, (tx) => flow.dispatch(tx, r.id, to))).rejects.toMatchObject({ key: 'reports.errors.unknown_unit' });
			}
			// SQL: the same rule without the app
			expect(await sqlState(as(db, desk, (tx) => tx.query(`select public.report_dispatch($1, 'x/../y', null)`, [r.id])))).toBe('23503');
			expect(await state()).toEqual(before);
		});

		it('reviewed_at cannot be set by filing, and is kept once set', async () => {
			const r = await file(draft({ category: 'construction' }));
			const reviewed = async () =>
				(await asService(db, (tx) => tx.query<{ at: Date | null }>('select reviewed_at as at from public.reports where id = $1', [r.id])))[0]!.at;
			await asService(db, (tx) => tx.query("update public.reports set reviewed_at = now() where id = $1", [r.id]));
			expect(await reviewed()).toBeNull();
			await as(db, desk, (tx) => flow.dispatch(tx, r.id, { department: 'water' }));
			const first = await reviewed();
			expect(first).toBeInstanceOf(Date);
			await asService(db, (tx) => tx.query('update public.reports set reviewed_at = null where id = $1', [r.id]));
			expect(await reviewed()).toEqual(first);
		});
	});

	describe('routing and deadlines', () => {
		it('routes by category (a rule for all townships), by township (a specific rule), else to the township', async () => {
			await as(db, ANON_CLAIMS, async (tx) => {
				expect(await routing.routeFor(tx, 'flood_water', '110118101')).toEqual({ department: 'water', town: null });
				expect(await routing.routeFor(tx, 'geological', '110118101')).toEqual({ department: null, town: '110118101' });
			});
			const admin = await staffClaims(db, 'admin-route@test.cn', 'admin', { departmentCode: 'emergency' });
			expect(await as(db, admin, (tx) => routing.saveRoute(tx, { category: 'geological', town: '110118111', department: 'planning_resources' }))).toBe(true);
			await as(db, ANON_CLAIMS, async (tx) => {
				expect(await routing.routeFor(tx, 'geological', '110118111')).toEqual({ department: 'planning_resources', town: null });
				expect(await routing.routeFor(tx, 'geological', '110118101')).toEqual({ department: null, town: '110118101' });
			});
		});

		it('lets only admins edit the routing table', async () => {
			expect(await as(db, desk, (tx) => routing.saveRoute(tx, { category: 'gas', town: null, department: 'water' }))).toBe(false);
			const clocks = await as(db, desk, (tx) => tx.query(`update public.report_categories set feedback_hours = 1 returning code`).catch(() => []));
			expect(clocks).toEqual([]);
			const deleted = await as(db, desk, (tx) => tx.query('delete from public.report_routes returning id'));
			expect(deleted).toEqual([]);
		});

		it('sets the deadline at dispatch from the category clock (natural hours)', async () => {
			const urgent = await file(draft({ category: 'flood_water' }));
			const general = await file(draft({ category: 'ebike_charging' }));
			await as(db, desk, async (tx) => {
				expect(await flow.dispatch(tx, urgent.id)).toBe('water');
				expect(await flow.dispatch(tx, general.id)).toBe('110118101');
			});
			const rows = await asService(db, (tx) =>
				tx.query<{ id: number; hours: number; accept: number }>(
					`select id, round(extract(epoch from due_at - dispatched_at) / 3600)::integer as hours,
					        round(extract(epoch from accept_due_at - dispatched_at) / 3600)::integer as accept
					   from public.reports where id = any($1::bigint[]) order by id`,
					[[urgent.id, general.id]]
				)
			);
			expect(rows.map((r) => [r.hours, r.accept])).toEqual([
				[2, 2],
				[168, 2]
			]);
		});
	});

	describe('direct dispatch (直派)', () => {
		const hours = (from: Date, to: Date | null) => Math.round((to!.getTime() - from.getTime()) / 3600_000);

		it('a rule for every township dispatches at once, clocks started; the resident sees unit and deadlines; the desk sees it as auto-dispatched and may re-dispatch', async () => {
			const r = await file();
			const seen = (await anon(db, (tx) => track(tx, r.ticket, r.token)))!;
			expect(seen.report).toMatchObject({ status: 'dispatched', unit_department: 'water', auto_dispatched: true, overdue: false });
			expect(hours(seen.report.created_at, seen.report.accept_due_at)).toBe(2);
			expect(hours(seen.report.created_at, seen.report.due_at)).toBe(2);
			expect(seen.timeline.map((e) => [e.kind, e.unit])).toEqual([['received', null], ['auto_dispatched', 'water']]);
			// the unit has it straight away
			expect((await as(db, water, (tx) => queue.detail(tx, r.id)))!.report.status).toBe('dispatched');
			const listed = (await as(db, desk, (tx) => queue.list(tx, 'open'))).find((i) => i.id === r.id);
			expect(listed).toMatchObject({ auto: true, department_code: 'water' });
			// dispatched by rule is not "seen by the desk": no text in public reads yet
			const near = await anon(db, (tx) => nearby(tx, { category: 'flood_water', lat: r.draft.lat, lon: r.draft.lon, village: '' }));
			expect(near.find((n) => n.ticket === r.ticket)?.description).toBeNull();
			await as(db, desk, (tx) => flow.dispatch(tx, r.id, { department: 'fire_rescue' }));
			const again = (await as(db, desk, (tx) => queue.list(tx, 'open'))).find((i) => i.id === r.id);
			expect(again).toMatchObject({ auto: false, department_code: 'fire_rescue' });
			expect((await anon(db, (tx) => track(tx, r.ticket, r.token)))!.report).toMatchObject({ unit_department: 'fire_rescue', auto_dispatched: false });
		});

		it('without a rule (属地) the report goes to the desk, and the resident sees the dispatch deadline', async () => {
			const r = await file(draft({ category: 'road_bridge' }));
			const seen = (await anon(db, (tx) => track(tx, r.ticket, r.token)))!;
			expect(seen.report).toMatchObject({ status: 'received', unit_department: null, unit_town: null, auto_dispatched: false, due_at: null });
			expect(hours(seen.report.created_at, seen.report.dispatch_due_at)).toBe(2);
			expect((await as(db, desk, (tx) => queue.list(tx, 'received'))).map((i) => i.id)).toContain(r.id);
		});

		it('before dispatch the tracking link names the unit it is expected to go to (属地: the township), for reporter and supporter; nothing once dispatched or returned', async () => {
			const r = await file(draft({ category: 'road_bridge' }));
			const supporter = freshIds();
			await anon(db, (tx) => join(tx, r.id, supporter.key, 'Li', '13900000001', supporter.token));
			for (const token of [r.token, supporter.token]) {
				expect((await anon(db, (tx) => track(tx, r.ticket, token)))!.expected).toEqual({ department_code: null, unit_town_code: '110118101' });
			}
			// by the token only: a made-up one learns nothing, through this server or straight through SQL
			expect(await anon(db, (tx) => tx.query('select * from public.report_track_expected($1)', [freshIds().token]))).toEqual([]);
			await as(db, townDesk, (tx) => flow.dispatch(tx, r.id));
			expect((await anon(db, (tx) => track(tx, r.ticket, r.token)))!.expected).toBeNull();
			// the unit gives it back: the desk decides afresh, so nothing is promised
			await as(db, xiweng, (tx) => flow.giveBack(tx, r.id, 'Not ours: a county road'));
			const back = (await anon(db, (tx) => track(tx, r.ticket, r.token)))!;
			expect(back.report.status).toBe('received');
			expect(back.expected).toBeNull();
			// dispatched by rule at filing: the unit itself is shown, no expectation
			const ruled = await file();
			expect((await anon(db, (tx) => track(tx, ruled.ticket, ruled.token)))!.expected).toBeNull();
		});

		it('a category rule made after filing is the expected unit; a rule naming a retired department promises nothing', async () => {
			const admin = await staffClaims(db, 'admin-expected@test.cn', 'admin', { departmentCode: 'emergency' });
			const r = await file(draft({ category: 'road_bridge', town: '110118111', lat: 40.65, lon: 117.25 }));
			expect((await anon(db, (tx) => track(tx, r.ticket, r.token)))!.expected).toEqual({ department_code: null, unit_town_code: '110118111' });
			expect(await as(db, admin, (tx) => routing.saveRoute(tx, { category: 'road_bridge', town: '110118111', department: 'transport' }))).toBe(true);
			expect((await anon(db, (tx) => track(tx, r.ticket, r.token)))!.expected).toEqual({ department_code: 'transport', unit_town_code: null });
			await asService(db, (tx) => tx.query(`update public.departments set active = false where code = 'transport'`));
			try {
				expect((await anon(db, (tx) => track(tx, r.ticket, r.token)))!.expected).toBeNull();
			} finally {
				await asService(db, (tx) => tx.query(`update public.departments set active = true where code = 'transport'`));
				await asService(db, (tx) => tx.query(`delete from public.report_routes where category = 'road_bridge' and town_code = '110118111'`));
			}
		});

		it('a rule for one township dispatches there only; a rule naming a retired department leaves it to the desk', async () => {
			const admin = await staffClaims(db, 'admin-direct@test.cn', 'admin', { departmentCode: 'emergency' });
			expect(await as(db, admin, (tx) => routing.saveRoute(tx, { category: 'gas', town: '110118101', department: 'urban_management' }))).toBe(true);
			const here = await file(draft({ category: 'gas', description: 'Gas smell by the school, no fire, no one hurt' }));
			const there = await file(draft({ category: 'gas', town: '110118111', lat: 40.65, lon: 117.25, description: 'Gas smell by the school, no fire, no one hurt' }));
			const status = async (id: number) => (await as(db, desk, (tx) => queue.detail(tx, id)))!.report;
			expect(await status(here.id)).toMatchObject({ status: 'dispatched', department_code: 'urban_management' });
			expect(await status(there.id)).toMatchObject({ status: 'received', department_code: null });

			await asService(db, (tx) => tx.query(`update public.departments set active = false where code = 'urban_management'`));
			try {
				const retired = await file(draft({ category: 'gas', description: 'Gas smell by the school, no fire, no one hurt' }));
				expect(await status(retired.id)).toMatchObject({ status: 'received', department_code: null });
			} finally {
				await asService(db, (tx) => tx.query(`update public.departments set active = true where code = 'urban_management'`));
			}
		});

		it('whoever joins a report ("我也遇到了") follows it with a link of their own; only the reporter rates', async () => {
			const r = await file(draft({ category: 'road_bridge', lat: 40.31, lon: 116.95 }));
			const mine = freshIds();
			expect(await anon(db, (tx) => join(tx, r.id, mine.key, 'Wang', '13900000000', mine.token))).toBe(r.ticket);
			const seen = (await anon(db, (tx) => track(tx, r.ticket, mine.token)))!;
			expect(seen.report).toMatchObject({ ticket: r.ticket, reporter: false, supporters: 1 });
			expect(JSON.stringify(seen)).not.toContain('13900000000');
			// Before the desk has looked at it, a supporter does not read what the reporter wrote
			// (anyone may join an open report); the reporter does.
			expect(seen.report).toMatchObject({ description: null, address: null });
			expect((await anon(db, (tx) => track(tx, r.ticket, r.token)))!.report.description).toBe(r.draft.description);
			expect(await anon(db, (tx) => track(tx, r.ticket, freshIds().token))).toBeNull();
			// only its hash is kept
			const [row] = await asService(db, (tx) => tx.query<{ token_hash: string }>('select token_hash from public.report_people where report_id = $1 and kind = $2', [r.id, 'supporter']));
			expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
			await as(db, townDesk, (tx) => flow.dispatch(tx, r.id));
			// once the desk has acted on it, the supporter reads it as the nearby card shows it
			expect((await anon(db, (tx) => track(tx, r.ticket, mine.token)))!.report.description).toBe(r.draft.description);
			await as(db, xiweng, (tx) => flow.accept(tx, r.id));
			await as(db, xiweng, (tx) => flow.close(tx, r.id, 'Pothole filled'));
			expect(await anon(db, (tx) => rate(tx, mine.token, 'satisfied', false))).toBe('not_allowed');
			expect(await anon(db, (tx) => rate(tx, r.token, 'satisfied', false))).toBe('rated');
			// Nobody dispatches by calling the rule's function directly: not a unit, not the desk, not anon.
			for (const who of [water, desk, ANON_CLAIMS]) {
				expect(await sqlState(as(db, who, (tx) => tx.query('select app.report_auto_dispatch($1)', [r.id])))).toBe('42501');
				expect(await sqlState(as(db, who, (tx) => tx.query('select app.report_by_token($1)', [mine.token])))).toBe('42501');
			}
			// A malformed token is refused in the database too.
			expect(await sqlState(anon(db, (tx) => tx.query('select public.report_join($1, $2, null, null, $3)', [r.id, crypto.randomUUID(), 'short'])))).toBe('22023');
		});
	});

	describe('who may make each step', () => {
		it('walks received → dispatched → accepted → closed → rated, each step by its own people', async () => {
			// flood water goes to the water bureau by rule at once (直派); the desk may dispatch it again
			const r = await file();
			// Nobody but the desk dispatches; the desk of another township neither.
			for (const who of [water, issuer, otherTownDesk, ANON_CLAIMS]) {
				await expect(as(db, who, (tx) => flow.dispatch(tx, r.id))).rejects.toThrow();
			}
			await as(db, townDesk, (tx) => flow.dispatch(tx, r.id));
			// Only the assigned unit accepts.
			await expect(as(db, fire, (tx) => flow.accept(tx, r.id))).rejects.toMatchObject({ key: 'reports.errors.not_allowed' });
			await expect(as(db, desk, (tx) => flow.accept(tx, r.id))).rejects.toMatchObject({ key: 'reports.errors.not_allowed' });
			await expect(as(db, water, (tx) => flow.close(tx, r.id, 'Cleared the road'))).rejects.toMatchObject({ key: 'reports.errors.wrong_state' });
			await as(db, water, (tx) => flow.accept(tx, r.id));
			await as(db, water, (tx) => flow.note(tx, r.id, 'Crew on the way', true));
			await as(db, water, (tx) => flow.note(tx, r.id, 'Internal: pump 3 is broken', false));
			// Rating before closing is refused.
			expect(await anon(db, (tx) => rate(tx, r.token, 'satisfied', false))).toBe('not_allowed');
			await as(db, water, (tx) => flow.close(tx, r.id, 'Drained and the culvert cleared'));

			const seen = await anon(db, (tx) => track(tx, r.ticket, r.token));
			expect(seen!.report).toMatchObject({ status: 'closed', reply: 'Drained and the culvert cleared', unit_department: 'water' });
			expect(seen!.timeline.map((e) => e.kind)).toEqual(['received', 'auto_dispatched', 'dispatched', 'accepted', 'note', 'closed']);
			expect(JSON.stringify(seen!.timeline)).not.toContain('pump 3');

			// Unsatisfied: reopened once, back to the same unit with a fresh clock; not twice.
			expect(await anon(db, (tx) => rate(tx, r.token, 'unsatisfied', true))).toBe('reopened');
			const reopened = await anon(db, (tx) => track(tx, r.ticket, r.token));
			expect(reopened!.report).toMatchObject({ status: 'dispatched', reopened: true, unit_department: 'water' });
			await as(db, water, (tx) => flow.accept(tx, r.id));
			await as(db, water, (tx) => flow.close(tx, r.id, 'Culvert widened'));
			expect(await anon(db, (tx) => rate(tx, r.token, 'unsatisfied', true))).toBe('not_allowed');
			expect(await anon(db, (tx) => rate(tx, r.token, 'basically_satisfied', false))).toBe('rated');
			expect(await anon(db, (tx) => rate(tx, r.token, 'satisfied', false))).toBe('not_allowed');
		});

		it('returns (退单) a wrongly dispatched report to the desk with a reason; redispatches', async () => {
			const r = await file();
			await as(db, desk, (tx) => flow.dispatch(tx, r.id, { department: 'fire_rescue' }));
			await expect(as(db, water, (tx) => flow.giveBack(tx, r.id, 'not ours'))).rejects.toMatchObject({ key: 'reports.errors.not_allowed' });
			await as(db, fire, (tx) => flow.giveBack(tx, r.id, 'Flooding is the water bureau’s'));
			const [back] = await as(db, desk, (tx) => queue.detail(tx, r.id).then((d) => [d!.report]));
			expect(back).toMatchObject({ status: 'received', department_code: null });
			await as(db, desk, (tx) => flow.dispatch(tx, r.id, { department: 'water' }));
			// The fire brigade no longer sees it.
			expect(await as(db, fire, (tx) => queue.detail(tx, r.id))).toBeNull();
		});

		it('whistles (吹哨报到): the township summons a department, which then sees and notes the report', async () => {
			const r = await file(draft({ category: 'geological' }));
			await as(db, desk, (tx) => flow.dispatch(tx, r.id));
			expect(await as(db, fire, (tx) => queue.detail(tx, r.id))).toBeNull();
			await expect(as(db, water, (tx) => flow.whistle(tx, r.id, 'fire_rescue'))).rejects.toMatchObject({ key: 'reports.errors.not_allowed' });
			await as(db, xiweng, (tx) => flow.whistle(tx, r.id, 'fire_rescue'));
			const seen = await as(db, fire, (tx) => queue.detail(tx, r.id));
			expect(seen!.cohandlers).toEqual(['fire_rescue']);
			await as(db, fire, (tx) => flow.note(tx, r.id, 'Slope checked, no movement', true));
			// A co-handler helps; it does not close.
			await expect(as(db, fire, (tx) => flow.accept(tx, r.id))).rejects.toMatchObject({ key: 'reports.errors.not_allowed' });
		});

		it('merges a duplicate: its reporter joins the other report; hides and redacts', async () => {
			const a = await file(draft({ category: 'geological' }));
			const b = await file(draft({ category: 'geological' }));
			// The water bureau does not even see these (not dispatched to it).
			await expect(as(db, water, (tx) => flow.merge(tx, b.id, a.ticket))).rejects.toMatchObject({ key: 'reports.errors.not_found' });
			await expect(as(db, water, (tx) => tx.query('select public.report_merge($1, $2)', [b.id, a.id]))).rejects.toMatchObject({ code: '42501' });
			expect(await as(db, desk, (tx) => flow.merge(tx, b.id, a.ticket))).toBe(a.ticket);
			const merged = await as(db, desk, (tx) => queue.detail(tx, a.id));
			expect(merged!.people.map((p) => p.kind)).toEqual(['reporter', 'supporter']);
			expect((await anon(db, (tx) => track(tx, b.ticket, b.token)))!.report.status).toBe('merged');

			const c = await file(draft(), [fileOf(await jpegWithGps(), 'x.jpg', 'image/jpeg')]);
			const [photo] = (await as(db, desk, (tx) => queue.detail(tx, c.id)))!.photos;
			await as(db, desk, (tx) => flow.redactPhoto(tx, photo!.id));
			expect((await anon(db, (tx) => track(tx, c.ticket, c.token)))!.photos).toEqual([]);
			await as(db, desk, (tx) => flow.hide(tx, c.id, 'Abusive text'));
			expect(await anon(db, (tx) => track(tx, c.ticket, c.token))).toBeNull();
		});
	});

	describe('name and phone', () => {
		it('are seen by the desk and the assigned unit, and by no other unit or role', async () => {
			const r = await file(draft({ category: 'flood_water', phone: '13712345678' }));
			await as(db, desk, (tx) => flow.dispatch(tx, r.id));
			const phones = (claims: Claims) =>
				as(db, claims, (tx) => tx.query<{ phone: string }>('select phone from public.report_people where report_id = $1', [r.id])).then((rows) =>
					rows.map((x) => x.phone)
				);
			expect(await phones(desk)).toEqual(['13712345678']);
			expect(await phones(townDesk)).toEqual(['13712345678']); // the report is in its township
			expect(await phones(water)).toEqual(['13712345678']);
			expect(await phones(otherTownDesk)).toEqual([]);
			expect(await phones(fire)).toEqual([]);
			expect(await phones(xiweng)).toEqual([]); // the township is not the assigned unit here
			expect(await phones(issuer)).toEqual([]);
			const list = await as(db, fire, (tx) => queue.list(tx, 'all'));
			expect(list.map((x) => x.ticket)).not.toContain(r.ticket);
		});

		it('are erased from cases closed longer ago than the retention period', async () => {
			const r = await file(draft({ phone: '13611112222' }));
			await as(db, desk, (tx) => flow.dispatch(tx, r.id, { department: 'water' }));
			await as(db, water, (tx) => flow.accept(tx, r.id));
			await as(db, water, (tx) => flow.close(tx, r.id, 'Done and checked'));
			await asService(db, (tx) => tx.query(`update public.reports set closed_at = now() - interval '181 days' where id = $1`, [r.id]));
			expect(await asService(db, (tx) => eraseOldContacts(tx, 180))).toBeGreaterThanOrEqual(1);
			const [p] = await as(db, desk, (tx) => tx.query<{ phone: string | null; name: string | null }>('select name, phone from public.report_people where report_id = $1', [r.id]));
			expect(p).toEqual({ name: null, phone: null });
		});
	});

	describe('the three rates', () => {
		it('count response, resolution and satisfaction per unit', async () => {
			const month = new Date().toISOString().slice(0, 10);
			const before = (await anon(db, (tx) => rates(tx, '2000-01-01', '2100-01-01'))).find((r) => r.unit_code === 'housing');
			expect(before).toBeUndefined();
			const made: Awaited<ReturnType<typeof file>>[] = [];
			for (let i = 0; i < 3; i++) made.push(await file(draft({ category: 'construction' })));
			for (const r of made) await as(db, desk, (tx) => flow.dispatch(tx, r.id));
			const housing = await staffClaims(db, 'housing@test.cn', 'handler', { departmentCode: 'housing' });
			// 1: accepted and closed in time, satisfied. 2: accepted late, closed late, unsatisfied. 3: untouched.
			await as(db, housing, (tx) => flow.accept(tx, made[0]!.id));
			await as(db, housing, (tx) => flow.close(tx, made[0]!.id, 'Scaffold secured'));
			await anon(db, (tx) => rate(tx, made[0]!.token, 'satisfied', false));
			await asService(db, (tx) =>
				tx.query(`update public.reports set accept_due_at = now() - interval '1 hour', due_at = now() - interval '1 hour' where id = $1`, [made[1]!.id])
			);
			await as(db, housing, (tx) => flow.accept(tx, made[1]!.id));
			await as(db, housing, (tx) => flow.close(tx, made[1]!.id, 'Fence repaired late'));
			await anon(db, (tx) => rate(tx, made[1]!.token, 'unsatisfied', false));

			const row = (await anon(db, (tx) => rates(tx, '2000-01-01', '2100-01-01'))).find((r) => r.unit_code === 'housing');
			expect(row).toMatchObject({ unit_kind: 'department', dispatched: 3, responded: 1, resolved: 1, rated: 2, satisfied: 1 });
			expect(row).toMatchObject({ response: 33.3, resolution: 33.3, satisfaction: 50 });
			expect(month).toBeTruthy();
		});
	});

	describe('the SLA clock', () => {
		it('escalates each overdue report once, recorded on the timeline', async () => {
			const r = await file();
			await as(db, desk, (tx) => flow.dispatch(tx, r.id));
			await asService(db, (tx) => tx.query(`update public.reports set due_at = now() - interval '1 minute' where id = $1`, [r.id]));
			const first = await asService(db, (tx) => escalateOverdue(tx, 500));
			expect(first.map((e) => e.ticket)).toContain(r.ticket);
			expect(await asService(db, (tx) => escalateOverdue(tx, 500))).toEqual([]);
			const d = await as(db, desk, (tx) => queue.detail(tx, r.id));
			expect(d!.events.filter((e) => e.kind === 'escalated')).toHaveLength(1);
			expect(d!.report.overdue).toBe(true);
		});

		it.runIf(backend.name === 'postgres')('never gives one report to two processes at once (SKIP LOCKED)', async () => {
			const made: Awaited<ReturnType<typeof file>>[] = [];
			for (let i = 0; i < 4; i++) made.push(await file(draft({ category: 'geological' })));
			await asService(db, (tx) =>
				tx.query(`update public.reports set dispatch_due_at = now() - interval '1 minute' where id = any($1::bigint[])`, [made.map((m) => m.id)])
			);
			let second: { ticket: string }[] = [];
			const first = await asService(db, async (tx) => {
				const mine = await escalateOverdue(tx, 1);
				// Another process claims while this one still holds its row.
				second = await asService(db, (other) => escalateOverdue(other, 500));
				return mine;
			});
			expect(first).toHaveLength(1);
			expect(second.map((s) => s.ticket)).not.toContain(first[0]!.ticket);
			const all = new Set([...first, ...second].map((s) => s.ticket));
			for (const m of made) expect(all.has(m.ticket)).toBe(true);
		});
	});
});
