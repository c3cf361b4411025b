/** Scenic areas: sourced rows, warnings that touch them, and who may set their status. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends, staffClaims } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import * as scenic from '.';

describe.each(backends())('scenic areas on $name', (backend) => {
	let db: Database;
	let issuer: Claims, handler: Claims, gubeikou: Claims;
	beforeAll(async () => {
		db = await backend.open();
		issuer = await staffClaims(db, 'issuer@test.cn', 'warning_issuer', { departmentCode: 'emergency' });
		handler = await staffClaims(db, 'handler@test.cn', 'handler', { departmentCode: 'water' });
		gubeikou = await staffClaims(db, 'gbk@test.cn', 'dispatcher', { townCode: '110118111' });
	});
	afterAll(async () => {
		await db?.close();
	});

	it('lists the sourced scenic areas, estimated coordinates marked, all open', async () => {
		const all = await as(db, ANON_CLAIMS, (tx) => scenic.list(tx));
		expect(all.map((s) => s.name_zh)).toEqual(expect.arrayContaining(['古北水镇', '司马台长城', '黑龙潭', '云蒙山国家森林公园', '京都第一瀑', '天门山', '清凉谷', '白龙潭']));
		expect(all.find((s) => s.id === 'gubei-water-town')?.coord_confidence).toMatch(/estimated/);
		expect(all.every((s) => s.state === 'open' && s.warnings.length === 0)).toBe(true);
	});

	it('English texts carry no Chinese; the place within the township is said in both languages', async () => {
		// An outside tester read "Gubeikou Town (古北口镇 (司马台村))", "Tianmen Mountain (北天门山)", "beside 鸳鸯湖 reservoir".
		const all = await as(db, ANON_CLAIMS, (tx) => scenic.list(tx));
		const han = /\p{Script=Han}/u;
		expect(all.flatMap((s) => [s.name_en, s.facts ?? '', s.town_note_en ?? '', s.town_en ?? ''].filter((text) => han.test(text)))).toEqual([]);
		const simatai = all.find((s) => s.id === 'simatai')!;
		expect([simatai.town_en, simatai.town_note_en, simatai.town_zh, simatai.town_note]).toEqual(['Gubeikou Town', 'Simatai Village', '古北口镇', '司马台村']);
		expect(all.every((s) => (s.town_note === null) === (s.town_note_en === null))).toBe(true);
	});

	it('shows a warning on the scenic areas it touches, by point or by township', async () => {
		const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, rainstorm({ level: 'yellow', areas: [{ kind: 'geocode', code: '110118116' }] })));
		if ('errors' in saved) throw new Error('unexpected');
		await as(db, issuer, (tx) => warnings.submit(tx, saved.id));
		const all = await as(db, ANON_CLAIMS, (tx) => scenic.list(tx));
		const touched = all.filter((s) => s.warnings.length).map((s) => s.id);
		expect(touched).toEqual(expect.arrayContaining(['black-dragon-pool', 'yunmengshan']));
		expect(touched).not.toContain('simatai');
	});

	it('issuers and the area’s own township set the status; a handler and the public cannot', async () => {
		const closed = { state: 'closed' as const, note_zh: '森林防火期', note_en: 'Forest fire season' };
		expect(await as(db, issuer, (tx) => scenic.setStatus(tx, 'yunmengshan', closed))).toBe(true);
		expect(await as(db, gubeikou, (tx) => scenic.setStatus(tx, 'simatai', { ...closed, state: 'restricted' }))).toBe(true);
		expect(await as(db, gubeikou, (tx) => scenic.setStatus(tx, 'yunmengshan', { ...closed, state: 'open' }))).toBe(false);
		expect(await as(db, handler, (tx) => scenic.setStatus(tx, 'bailongtan', closed))).toBe(false);
		expect(await as(db, ANON_CLAIMS, (tx) => scenic.setStatus(tx, 'bailongtan', closed))).toBe(false);
		const all = await as(db, ANON_CLAIMS, (tx) => scenic.list(tx));
		expect(Object.fromEntries(all.filter((s) => s.state !== 'open').map((s) => [s.id, s.state]))).toEqual({ yunmengshan: 'closed', simatai: 'restricted' });
	});
});
