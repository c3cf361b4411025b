/**
 * Display screens and village broadcasts on real databases, as each role: anon cannot
 * list or create screens and only checks in (which writes no more than once per 20 s);
 * a broadcast is confirmed only by staff of the village's township or an admin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import { confirmBroadcast, villageNotifiedByBroadcast, villagesFor } from '../broadcast/confirmations';
import { checkIn, createScreen, isSilent, listScreens } from './screens';

const VILLAGE = '110118101201'; // a village of 溪翁庄镇 (110118101)
const OTHER_TOWN = '110118106';

describe.each(backends())('display screens and village broadcasts on $name', (backend) => {
	let db: Database;
	let issuer: Claims, admin: Claims, townStaff: Claims, otherTownStaff: Claims;
	let warningId: string;

	beforeAll(async () => {
		db = await backend.open();
		const add = async (email: string, role: string, unit: { departmentCode?: string; townCode?: string }) =>
			({ role: 'authenticated', sub: (await addStaff(db, { email, password: 'correct horse battery', role, ...unit })).userId, email }) satisfies Claims;
		issuer = await add('issuer@reach.cn', 'warning_issuer', { departmentCode: 'emergency' });
		admin = await add('admin@reach.cn', 'admin', { departmentCode: 'emergency' });
		townStaff = await add('town@reach.cn', 'handler', { townCode: '110118101' });
		otherTownStaff = await add('other@reach.cn', 'handler', { townCode: OTHER_TOWN });
		const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, rainstorm({ level: 'blue' })));
		if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
		warningId = saved.id;
	}, 120_000);
	afterAll(() => db?.close());

	const screen = { slug: 'miyun-station', name: 'Miyun station', site: 'station' as const, place: { kind: 'town' as const, townCode: '110118101' } };

	it('lets an issuer create a screen and staff list it; anon can neither', async () => {
		expect(await as(db, issuer, (tx) => createScreen(tx, screen))).toEqual({ ok: true });
		expect(await as(db, ANON_CLAIMS, (tx) => createScreen(tx, { ...screen, slug: 'anon-screen' }))).toMatchObject({ ok: false, field: 'form' });
		expect(await as(db, townStaff, (tx) => createScreen(tx, { ...screen, slug: 'handler-screen' }))).toMatchObject({ ok: false, field: 'form' });
		expect(await as(db, ANON_CLAIMS, (tx) => sqlState(tx.query('select * from public.display_screens')))).toBe('42501');
		expect((await as(db, townStaff, listScreens)).map((s) => s.slug)).toEqual(['miyun-station']);
	});

	it('refuses a duplicate slug and a place that does not hold together', async () => {
		expect(await as(db, issuer, (tx) => createScreen(tx, screen))).toMatchObject({ ok: false, field: 'slug' });
		expect(await as(db, issuer, (tx) => createScreen(tx, { ...screen, slug: 'no-town', place: { kind: 'town', townCode: '110118999' } }))).toMatchObject({ ok: false, field: 'place' });
		expect(await as(db, issuer, (tx) => createScreen(tx, { ...screen, slug: 'huge', place: { kind: 'point', lon: 116.8, lat: 40.4, radiusM: 50_000 } }))).toMatchObject({ ok: false, field: 'place' });
	});

	it('lets a screen check in anonymously, learning only its place, and writes at most once per 20 s', async () => {
		const first = await as(db, ANON_CLAIMS, (tx) => checkIn(tx, 'miyun-station'));
		expect(first).toEqual({ slug: 'miyun-station', name: 'Miyun station', place: { kind: 'town', townCode: '110118101' } });
		const seen = async () => (await as(db, issuer, listScreens))[0]!.lastSeenAt!;
		const at = await seen();
		expect(isSilent(at)).toBe(false);
		await as(db, ANON_CLAIMS, (tx) => checkIn(tx, 'miyun-station'));
		expect((await seen()).getTime()).toBe(at.getTime());
		expect(await as(db, ANON_CLAIMS, (tx) => checkIn(tx, 'no-such-screen'))).toBeNull();
		expect(await as(db, ANON_CLAIMS, (tx) => checkIn(tx, "x'; drop table public.display_screens; --"))).toBeNull();
		// anon may not even update last_seen_at directly
		expect(await as(db, ANON_CLAIMS, (tx) => sqlState(tx.query(`update public.display_screens set last_seen_at = now()`)))).toBe('42501');
	});

	it('calls a screen silent after five minutes', () => {
		const now = new Date('2026-12-04T08:00:00Z');
		expect(isSilent(null, now)).toBe(true);
		expect(isSilent(new Date(now.getTime() - 4 * 60_000), now)).toBe(false);
		expect(isSilent(new Date(now.getTime() - 6 * 60_000), now)).toBe(true);
	});

	it('refuses broadcast confirmations for a draft warning', async () => {
		expect(await as(db, townStaff, (tx) => confirmBroadcast(tx, { warningId, villageCode: VILLAGE, label: 'town' }))).toEqual({ ok: false, reason: 'refused' });
	});

	it('lets staff of the village township confirm a broadcast, once; not staff of another township, nor anon', async () => {
		expect(await as(db, issuer, (tx) => warnings.submit(tx, warningId))).toEqual({ ok: true, state: 'issued' });
		expect(await as(db, otherTownStaff, (tx) => confirmBroadcast(tx, { warningId, villageCode: VILLAGE, label: 'other' }))).toEqual({ ok: false, reason: 'refused' });
		expect(await as(db, ANON_CLAIMS, (tx) => sqlState(tx.query(`insert into public.village_broadcasts (warning_id, village_code, confirmed_by) values ($1, $2, gen_random_uuid())`, [warningId, VILLAGE])))).toBe('42501');
		expect(await as(db, townStaff, (tx) => confirmBroadcast(tx, { warningId, villageCode: VILLAGE, label: 'town' }))).toEqual({ ok: true });
		expect(await as(db, townStaff, (tx) => confirmBroadcast(tx, { warningId, villageCode: VILLAGE, label: 'town' }))).toEqual({ ok: false, reason: 'already' });
		// someone else's name cannot be put on a confirmation
		expect(await as(db, admin, (tx) => sqlState(tx.query(`insert into public.village_broadcasts (warning_id, village_code, confirmed_by) values ($1, '110118101202', $2)`, [warningId, townStaff.sub])))).toBe('42501');
	});

	it('shows confirmations to the township and admins only, for the evacuation roll', async () => {
		const mine = await as(db, townStaff, (tx) => villagesFor(tx, warningId));
		expect(mine.length).toBeGreaterThan(1);
		expect(mine.every((v) => v.villageCode.startsWith('110118101'))).toBe(true);
		expect(mine.find((v) => v.villageCode === VILLAGE)).toMatchObject({ confirmedBy: 'town' });
		expect(await as(db, otherTownStaff, (tx) => villageNotifiedByBroadcast(tx, warningId))).toEqual([]);
		expect(await as(db, ANON_CLAIMS, (tx) => sqlState(villageNotifiedByBroadcast(tx, warningId)))).toBe('42501');
		expect((await as(db, admin, (tx) => villageNotifiedByBroadcast(tx, warningId))).map((v) => v.villageCode)).toEqual([VILLAGE]);
		const rows = await asService(db, (tx) => tx.query<{ confirmed_by: string }>('select confirmed_by from public.village_broadcasts'));
		expect(rows).toEqual([{ confirmed_by: townStaff.sub }]);
	});
});
