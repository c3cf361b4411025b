/**
 * The console's shelter form: field errors, GCJ-02 input, and who may create or edit a
 * registry entry (admins only; township staff only the live fields), on real databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends, staffClaims } from '../testing/db';
import { gcj02ToWgs84 } from '../../shelters/geo';
import * as shelters from '.';
import { create, formValues, parseShelterForm, update } from './registry';

const TOWNS = new Set(['110118101', '110118106']);

function form(fields: Record<string, string | string[]>): FormData {
	const data = new FormData();
	for (const [k, v] of Object.entries(fields)) for (const x of ([] as string[]).concat(v)) data.append(k, x);
	return data;
}

const GOOD = {
	name_zh: '测试小学', name_en: 'Test Primary School', ref: '', town_code: '110118101', address: '溪翁庄镇',
	lat: '40.4700', lon: '116.8500', crs: 'wgs84', class: 'short_term', indoor: 'true', area_m2: '1200', capacity: '400',
	hazards: ['earthquake', 'flood'], facilities: ['water', 'toilets'], status: 'open', occupancy: '0',
	contact: '王老师', phone: '010-6900 0000', note: ''
};

describe('the shelter form', () => {
	it('reads a complete form into a registry row', () => {
		const { row, errors } = parseShelterForm(form(GOOD), TOWNS);
		expect(errors).toEqual({});
		expect(row).toMatchObject({ name_zh: '测试小学', indoor: true, area_m2: 1200, capacity: 400, hazards: ['earthquake', 'flood'], facilities: ['water', 'toilets'], ref: null, note: null });
	});

	it('names each wrong field, once', () => {
		const { row, errors, values } = parseShelterForm(
			form({ ...GOOD, name_zh: '', lat: 'north', class: 'IV', indoor: '', capacity: '-3', hazards: [], facilities: ['jacuzzi'], town_code: '999', phone: 'call me' }),
			TOWNS
		);
		expect(row).toBeNull();
		expect(errors).toEqual({
			name_zh: 'shelters.import.required',
			town_code: 'shelters.import.unknown_town',
			lat: 'shelters.import.not_a_coordinate',
			class: 'shelters.import.unknown_class',
			indoor: 'shelters.import.required',
			capacity: 'shelters.import.not_a_count',
			facilities: 'shelters.import.unknown_code',
			hazards: 'shelters.import.required',
			phone: 'shelters.import.bad_phone'
		});
		// What was typed comes back to the form.
		expect(values).toMatchObject({ lat: 'north', facilities: ['jacuzzi'] });
	});

	it('says a missing position is required, and refuses one outside the district', () => {
		expect(parseShelterForm(form({ ...GOOD, lat: '', lon: '' }), TOWNS).errors).toEqual({ lat: 'shelters.import.required', lon: 'shelters.import.required' });
		expect(parseShelterForm(form({ ...GOOD, lat: '39.9', lon: '116.4' }), TOWNS).errors).toEqual({ lat: 'shelters.import.outside_district' });
	});

	it('converts a GCJ-02 position (read off Amap) to WGS84', () => {
		const { row } = parseShelterForm(form({ ...GOOD, crs: 'gcj02' }), TOWNS);
		const expected = gcj02ToWgs84(40.47, 116.85);
		expect(row!.lat).toBeCloseTo(expected.lat, 7);
		expect(row!.lon).toBeCloseTo(expected.lon, 7);
		// About 600 m from the typed point, as GCJ-02 is offset hereabouts.
		expect(Math.abs(row!.lon - 116.85)).toBeGreaterThan(0.004);
	});
});

describe.each(backends())('creating and editing shelters on $name', (backend) => {
	let db: Database;
	let admin: Claims, xiwengzhuangStaff: Claims, waterHandler: Claims;
	const row = parseShelterForm(form(GOOD), TOWNS).row!;

	beforeAll(async () => {
		db = await backend.open();
		admin = await staffClaims(db, 'admin@test.cn', 'admin', { departmentCode: 'emergency' });
		xiwengzhuangStaff = await staffClaims(db, 'xwz@test.cn', 'dispatcher', { townCode: '110118101' });
		waterHandler = await staffClaims(db, 'water@test.cn', 'handler', { departmentCode: 'water' });
	});
	afterAll(async () => {
		await db?.close();
	});

	it('lets an admin create a shelter, edit it, and refuses a ref another shelter has', async () => {
		const made = await as(db, admin, (tx) => create(tx, { ...row, ref: 'form-1' }));
		expect(made).toHaveProperty('id');
		const id = (made as { id: string }).id;
		const edited = await as(db, admin, (tx) => update(tx, id, { ...row, ref: 'form-1', name_en: 'Renamed', capacity: 500, hazards: ['earthquake'] }));
		expect(edited).toEqual({ id });
		const shown = await as(db, ANON_CLAIMS, (tx) => shelters.get(tx, id));
		expect(shown).toMatchObject({ name_en: 'Renamed', capacity: 500, hazards: ['earthquake'], demo: false, contact: '王老师' });
		expect(shown!.lat).toBeCloseTo(40.47, 6);
		const values = await as(db, admin, (tx) => formValues(tx, id));
		expect(values).toMatchObject({ name_en: 'Renamed', lat: '40.470000', indoor: 'true', hazards: ['earthquake'], crs: 'wgs84' });

		expect(await as(db, admin, (tx) => create(tx, { ...row, ref: 'form-1' }))).toEqual({ errors: { ref: 'shelters.edit.ref_taken' } });
	});

	it('refuses to create a shelter for anyone but an admin, writing nothing', async () => {
		for (const claims of [ANON_CLAIMS, xiwengzhuangStaff, waterHandler]) {
			expect(await as(db, claims, (tx) => create(tx, { ...row, ref: 'not-admin' }))).toEqual({ forbidden: true });
		}
		const found = await asService(db, (tx) => tx.query(`select id from public.shelters where ref = 'not-admin'`));
		expect(found).toEqual([]);
	});

	it('refuses a registry edit by the township’s own staff, and by anyone else', async () => {
		const made = (await as(db, admin, (tx) => create(tx, { ...row, ref: 'form-2' }))) as { id: string };
		// The township's staff may update it, but only status, occupancy and note (the guard trigger).
		for (const claims of [xiwengzhuangStaff, waterHandler, ANON_CLAIMS]) {
			expect(await as(db, claims, (tx) => update(tx, made.id, { ...row, ref: 'form-2', name_zh: '改名', capacity: 9999 }))).toEqual({ forbidden: true });
		}
		expect(await as(db, xiwengzhuangStaff, (tx) => shelters.updateLive(tx, made.id, { status: 'full', occupancy: 400, note: null }))).toBe(true);
		const [after] = await asService(db, (tx) => tx.query<{ name_zh: string; capacity: number; status: string }>('select name_zh, capacity, status from public.shelters where id = $1', [made.id]));
		expect(after).toEqual({ name_zh: '测试小学', capacity: 400, status: 'full' });
	});

	it('refuses an edit of a shelter that does not exist, or a malformed id', async () => {
		expect(await as(db, admin, (tx) => update(tx, '00000000-0000-4000-8000-000000000000', row))).toEqual({ forbidden: true });
		expect(await as(db, admin, (tx) => update(tx, 'new', row))).toEqual({ forbidden: true });
		expect(await as(db, admin, (tx) => formValues(tx, 'x'))).toBeNull();
	});
});
