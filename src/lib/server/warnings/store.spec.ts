/**
 * The life cycle of warnings on a real database, as each role: what an issuer and an
 * admin may do, what a handler and an anonymous visitor must not, and the approval rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { resolveAreas } from './area';
import * as warnings from './store';
import { rainstorm, TWO_TOWNS } from './testing/fixtures';

describe.each(backends())('warnings on $name', (backend) => {
	let db: Database;
	let issuer: Claims, admin: Claims, handler: Claims, machine: Claims;

	beforeAll(async () => {
		db = await backend.open();
		issuer = await staffClaims(db, 'issuer@test.cn', 'warning_issuer');
		admin = await staffClaims(db, 'admin@test.cn', 'admin');
		handler = await staffClaims(db, 'handler@test.cn', 'handler');
		const key = await createApiKey(db, 'feed', 'warning_issuer');
		machine = { role: 'authenticated', sub: (await findApiKey(db, key))!.id, api_key: true };
	});
	afterAll(async () => {
		await db?.close();
	});

	const draft = async (who: Claims, input = rainstorm(), options: warnings.DraftOptions = {}) => {
		const saved = await as(db, who, (tx) => warnings.saveDraft(tx, input, options));
		if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
		return saved.id;
	};
	const count = async () =>
		Number((await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::int as n from public.warnings')))[0]!.n);

	describe('areas', () => {
		it('an English block that names townships in Chinese is kept in English names (a tester saw 溪翁庄镇 on English cards)', async () => {
			const input = rainstorm();
			input.infos = input.infos.map((i) => ({ ...i, areaDesc: '溪翁庄镇、穆家峪镇' }));
			const id = await draft(issuer, input);
			const saved = (await as(db, issuer, (tx) => warnings.get(tx, id)))!;
			expect(saved.infos.map((i) => [i.lang, i.areaDesc])).toEqual([['zh-CN', '溪翁庄镇、穆家峪镇'], ['en', 'Xiwengzhuang Town, Mujiayu Town']]);
		});

		it('takes a circle with a fractional radius (CAP allows 0.3 km)', async () => {
			const resolved = await as(db, issuer, (tx) => resolveAreas(tx, [{ kind: 'circle', centre: [40.45, 116.83], radiusKm: 0.3 }]));
			expect('geojson' in resolved && JSON.parse(resolved.geojson).type).toMatch(/Polygon/);
		});

		it('gives towns with a sourced seat an approximate area inside the district, and none to the others', async () => {
			const rows = await as(db, ANON_CLAIMS, (tx) =>
				tx.query<{ code: string; inside: boolean; km2: number }>(
					`select a.code, extensions.st_coveredby(a.area, extensions.st_buffer(d.outline, 0.0001)) as inside,
					        extensions.st_area(a.area::extensions.geography) / 1e6 as km2
					   from public.town_areas a, public.district d`
				)
			);
			const seats = await as(db, ANON_CLAIMS, (tx) => tx.query('select code from public.towns where seat is not null'));
			expect(rows).toHaveLength(seats.length);
			expect(rows.every((r) => r.inside && r.km2 > 1)).toBe(true);
			const total = rows.reduce((s, r) => s + Number(r.km2), 0);
			expect(total).toBeGreaterThan(2229 * 0.98);
			expect(total).toBeLessThan(2229 * 1.02);
		});

		it('recomputes the township areas when a seat is added', async () => {
			const n = async () => (await as(db, ANON_CLAIMS, (tx) => tx.query('select code from public.town_areas'))).length;
			const before = await n();
			await asService(db, (tx) => tx.query(`update public.towns set seat = extensions.st_setsrid(extensions.st_makepoint(116.84, 40.37), 4326) where code = '110118100'`));
			expect(await n()).toBe(before + 1);
			await asService(db, (tx) => tx.query(`update public.towns set seat = null where code = '110118100'`));
			expect(await n()).toBe(before);
		});

		it('previews who an area touches: the townships picked, their villages, scenic areas', async () => {
			const shown = await as(db, issuer, (tx) =>
				warnings.preview(tx, rainstorm({ areas: [{ kind: 'geocode', code: '110118116' }] }))
			);
			if ('errors' in shown) throw new Error('unexpected');
			expect(shown.affected.towns.map((t) => t.code)).toContain('110118116');
			expect(shown.affected.villages).toBeGreaterThan(0);
			expect(shown.affected.scenic.map((s) => s.id)).toContain('black-dragon-pool');
		});

		it.each([
			['an unknown township', [{ kind: 'geocode', code: '110118999' }], 'warnings.err_geocode_unknown'],
			['a polygon that is not closed', [{ kind: 'polygon', points: [[40.5, 116.8], [40.6, 116.9], [40.5, 116.95], [40.45, 116.85]] }], 'warnings.err_polygon_open'],
			['a polygon that crosses itself', [{ kind: 'polygon', points: [[40.5, 116.8], [40.6, 116.9], [40.6, 116.8], [40.5, 116.9], [40.5, 116.8]] }], 'warnings.err_polygon_invalid'],
			['an area outside the district', [{ kind: 'circle', centre: [31.23, 121.47], radiusKm: 10 }], 'warnings.err_outside_district']
		] as const)('refuses %s at the area field, saving nothing', async (_what, areas, key) => {
			const before = await count();
			const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, rainstorm({ areas: areas as never })));
			expect(saved).toEqual({ errors: { area: key } });
			expect(await count()).toBe(before);
		});

		it('refuses expires before effective and missing text at their fields', async () => {
			const input = rainstorm({ effective: new Date(Date.now() + 7200_000), expires: new Date(Date.now() + 3600_000) });
			input.infos[1] = { ...input.infos[1]!, headline: ' ' };
			const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, input));
			expect(saved).toEqual({ errors: { expires: 'warnings.err_expires_before_effective', headline_en: 'errors.required' } });
		});

		it('says an expiry already past has passed, not that it is before the effective time (left empty: now)', async () => {
			const input = rainstorm({ effective: new Date(), expires: new Date(Date.now() - 3600_000) });
			const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, input));
			expect(saved).toEqual({ errors: { expires: 'warnings.err_expired' } });
		});

		it('refuses an Update of a warning that does not exist', async () => {
			const saved = await as(db, issuer, (tx) =>
				warnings.saveDraft(tx, rainstorm(), { referencesId: '00000000-0000-4000-8000-000000000000' })
			);
			expect(saved).toEqual({ errors: { references: 'warnings.err_references' } });
		});
	});

	describe('life cycle', () => {
		let threadId: string;

		it('an Actual red warning waits for a second person; its author cannot approve it', async () => {
			const id = await draft(issuer);
			threadId = id;
			expect(await as(db, issuer, (tx) => warnings.submit(tx, id))).toEqual({ ok: true, state: 'pending' });
			const own = await as(db, issuer, (tx) => warnings.approve(tx, id));
			expect(own).toMatchObject({ ok: false, message: expect.stringContaining('second') });
			// and cannot sneak it out by writing the state directly
			expect(await sqlState(as(db, issuer, (tx) => tx.query(`update public.warnings set state = 'issued' where id = $1`, [id])))).toBe('42501');
			expect(await as(db, ANON_CLAIMS, (tx) => warnings.active(tx))).toEqual([]);
		});

		it('a second person approves it: it is in force, public, and its area is a hazard area', async () => {
			const reviewed = (await as(db, admin, (tx) => warnings.get(tx, threadId)))!.revision;
			expect(await as(db, admin, (tx) => warnings.approve(tx, threadId, reviewed))).toEqual({ ok: true, state: 'issued' });
			const shown = await as(db, ANON_CLAIMS, (tx) => warnings.active(tx));
			expect(shown.map((w) => [w.threadId, w.level, w.inForce])).toEqual([[threadId, 'red', true]]);
			expect(shown[0]!.infos.map((i) => i.areaDesc)).toEqual(['溪翁庄镇、穆家峪镇', 'Xiwengzhuang Town, Mujiayu Town']);
			const areas = await as(db, ANON_CLAIMS, (tx) => tx.query(`select * from app.active_hazard_areas('rainstorm')`));
			expect(areas).toHaveLength(1);
			expect(await as(db, ANON_CLAIMS, (tx) => tx.query(`select * from app.active_hazard_areas('flood')`))).toEqual([]);
		});

		it('records who drafted, submitted, approved and issued it', async () => {
			const trail = await as(db, admin, (tx) => warnings.audit(tx, threadId));
			expect(trail.map((a) => [a.action, a.actor_label])).toEqual([
				['drafted', 'issuer@test.cn'],
				['submitted', 'issuer@test.cn'],
				['approved', 'admin@test.cn'],
				['issued', 'admin@test.cn']
			]);
		});

		it('an issued warning is never edited in place', async () => {
			expect(await sqlState(as(db, admin, (tx) => tx.query(`update public.warnings set level = 'blue' where id = $1`, [threadId])))).toBe('42501');
		});

		it('an Update to yellow goes out at once and replaces it', async () => {
			const id = await draft(issuer, rainstorm({ level: 'yellow' }), { referencesId: threadId });
			expect(await as(db, issuer, (tx) => warnings.submit(tx, id))).toEqual({ ok: true, state: 'issued' });
			const shown = await as(db, ANON_CLAIMS, (tx) => warnings.active(tx));
			expect(shown.map((w) => [w.id, w.threadId, w.level, w.msgType])).toEqual([[id, threadId, 'yellow', 'Update']]);
			const all = await as(db, ANON_CLAIMS, (tx) => warnings.thread(tx, threadId));
			expect(all.map((w) => w.state)).toEqual(['superseded', 'issued']);
		});

		it('a Cancel ends it: nothing in force, no hazard area', async () => {
			expect(await as(db, issuer, (tx) => warnings.cancel(tx, threadId, 'the rain has stopped'))).toEqual({ ok: true, state: 'issued' });
			expect(await as(db, ANON_CLAIMS, (tx) => warnings.active(tx))).toEqual([]);
			expect(await as(db, ANON_CLAIMS, (tx) => tx.query(`select * from app.active_hazard_areas('rainstorm')`))).toEqual([]);
			const all = await as(db, ANON_CLAIMS, (tx) => warnings.thread(tx, threadId));
			expect(all.map((w) => [w.msgType, w.state])).toEqual([['Alert', 'superseded'], ['Update', 'cancelled'], ['Cancel', 'issued']]);
			const current = await as(db, ANON_CLAIMS, (tx) => warnings.current(tx, threadId));
			expect(current?.inForce).toBe(false);
			// and a second Cancel has nothing left to cancel
			expect(await as(db, issuer, (tx) => warnings.cancel(tx, threadId, 'again'))).toMatchObject({ ok: false });
		});

		it('an expired warning is not shown as active', async () => {
			const id = await draft(issuer, rainstorm({ level: 'blue', expires: new Date(Date.now() + 1500) }));
			await as(db, issuer, (tx) => warnings.submit(tx, id));
			expect((await as(db, ANON_CLAIMS, (tx) => warnings.active(tx))).map((w) => w.id)).toEqual([id]);
			await new Promise((r) => setTimeout(r, 1600));
			expect(await as(db, ANON_CLAIMS, (tx) => warnings.active(tx))).toEqual([]);
		});

		it('an Exercise is public but never a hazard area; a withdrawn draft is private', async () => {
			const id = await draft(issuer, rainstorm({ status: 'Exercise', level: 'yellow' }));
			expect(await as(db, issuer, (tx) => warnings.submit(tx, id))).toEqual({ ok: true, state: 'issued' });
			expect((await as(db, ANON_CLAIMS, (tx) => warnings.active(tx))).map((w) => w.status)).toEqual(['Exercise']);
			expect(await as(db, ANON_CLAIMS, (tx) => tx.query(`select * from app.active_hazard_areas('rainstorm')`))).toEqual([]);
			const pending = await draft(issuer, rainstorm({ level: 'orange' }));
			await as(db, issuer, (tx) => warnings.submit(tx, pending));
			expect(await as(db, issuer, (tx) => warnings.withdraw(tx, pending))).toEqual({ ok: true, state: 'draft' });
			expect(await as(db, ANON_CLAIMS, (tx) => warnings.get(tx, pending))).toBeNull();
		});

		it('an API key (an upstream platform) may issue red at once', async () => {
			const id = await draft(machine);
			const [row] = await as(db, machine, (tx) => tx.query<{ state: string }>(`update public.warnings set state = 'issued' where id = $1 returning state`, [id]));
			expect(row!.state).toBe('issued');
			await as(db, machine, (tx) => warnings.cancel(tx, id, 'upstream lifted it'));
		});

		it('announces what went out on channel warnings', async () => {
			const got: string[] = [];
			const stop = await db.listen('warnings', (p) => got.push(p));
			const id = await draft(issuer, rainstorm({ level: 'blue' }));
			await as(db, issuer, (tx) => warnings.submit(tx, id));
			await new Promise((r) => setTimeout(r, 200));
			await stop();
			expect(got.map((p) => JSON.parse(p))).toEqual([{ thread: id, id, msgType: 'Alert' }]);
		});
	});

	describe('who may not', () => {
		it('a handler cannot draft, submit or approve a warning', async () => {
			expect(await sqlState(as(db, handler, (tx) => warnings.saveDraft(tx, rainstorm())))).toBe('42501');
			const id = await draft(issuer, rainstorm({ level: 'red' }));
			await as(db, issuer, (tx) => warnings.submit(tx, id));
			expect(await as(db, handler, (tx) => warnings.approve(tx, id))).toMatchObject({ ok: false });
			expect((await as(db, issuer, (tx) => warnings.get(tx, id)))!.state).toBe('pending');
		});

		it('anonymous visitors cannot write warnings or read the audit trail; a handler reads no audit rows', async () => {
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => warnings.saveDraft(tx, rainstorm())))).toBe('42501');
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select * from public.warning_audit')))).toBe('42501');
			expect(await as(db, handler, (tx) => tx.query('select * from public.warning_audit'))).toEqual([]);
			expect(await sqlState(as(db, handler, (tx) => tx.query(`insert into public.warning_audit (warning_id, thread_id, action) select id, id, 'issued' from public.warnings limit 1`)))).toBe('42501');
		});

		it('nobody stores a control character in a warning text, by any path (SQL; the CAP feed is XML)', async () => {
			for (const bad of ['\u0001', '\u000b', '\u001b']) {
				const input = rainstorm({ infos: rainstorm().infos.map((i) => ({ ...i, headline: `暴雨${bad}预警` })) });
				expect(await sqlState(as(db, issuer, (tx) => warnings.saveDraft(tx, input)))).toBe('23514');
				const id = await draft(issuer);
				expect(await sqlState(asService(db, (tx) => tx.query(`update public.warning_infos set description = description || $2 where warning_id = $1`, [id, bad])))).toBe('23514');
				expect(await sqlState(asService(db, (tx) => tx.query(`update public.warnings set contact = $2 where id = $1`, [id, `110${bad}`])))).toBe('23514');
			}
			// tab and line breaks are text
			await draft(issuer, rainstorm({ infos: rainstorm().infos.map((i) => ({ ...i, description: `一\t二\r\n三` })) }));
		});

		it('nobody deletes a warning', async () => {
			expect(await sqlState(as(db, admin, (tx) => tx.query('delete from public.warnings')))).toBe('42501');
		});

		it('uses the two townships of the journey', () => {
			expect(TWO_TOWNS).toHaveLength(2);
		});
	});
});
