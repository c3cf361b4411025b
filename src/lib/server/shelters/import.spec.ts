/** Import of shelter lists: row-by-row validation, coordinate systems, GB 21734 classes, all or nothing. */
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import { haversineM } from '../../shelters/geo';
import { townCodes } from '../district';
import { parseCsv, parseFile, write } from './import';

const TOWNS = new Set(['110118101', '110118106']);
const HEADER = 'ref,name_zh,name_en,town_code,lat,lon,class,indoor,capacity,hazards,facilities';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n');
const GOOD = 'r1,甲,Shelter A,110118101,40.46,116.86,short_term,true,500,flood;earthquake,water;toilets';

describe('parsing shelter files', () => {
	it('reads RFC 4180 CSV with quotes, doubled quotes and line breaks in fields', () => {
		expect(parseCsv('a,b\r\n"x, ""y""","line1\nline2"\n\nlast,')).toEqual([
			{ line: 1, cells: ['a', 'b'] },
			{ line: 2, cells: ['x, "y"', 'line1\nline2'] },
			{ line: 5, cells: ['last', ''] }
		]);
	});

	it('accepts a clean file', () => {
		const { rows, errors } = parseFile(csv(GOOD), 'csv', 'wgs84', TOWNS);
		expect(errors).toEqual([]);
		expect(rows).toEqual([
			expect.objectContaining({ ref: 'r1', name_en: 'Shelter A', lat: 40.46, lon: 116.86, class: 'short_term', indoor: true, capacity: 500, hazards: ['flood', 'earthquake'], status: 'open' })
		]);
	});

	it('names the row and column of every problem, and keeps nothing when any row is bad', () => {
		const { rows, errors } = parseFile(
			csv(GOOD, 'r2,乙,,110118999,95,116.9,IV,maybe,-3,flood;tsunami,wifi', 'r1,丙,Shelter C,,40.4,116.9,III,outdoor,10,earthquake,'),
			'csv',
			'wgs84',
			TOWNS
		);
		expect(rows).toEqual([]);
		expect(errors).toEqual([
			{ row: 3, column: 'name_en', message: 'shelters.import.required' },
			{ row: 3, column: 'town_code', message: 'shelters.import.unknown_town' },
			{ row: 3, column: 'lat', message: 'shelters.import.outside_district' },
			{ row: 3, column: 'class', message: 'shelters.import.unknown_class' },
			{ row: 3, column: 'indoor', message: 'shelters.import.not_yes_no' },
			{ row: 3, column: 'capacity', message: 'shelters.import.not_a_count' },
			{ row: 3, column: 'facilities', message: 'shelters.import.unknown_code' },
			{ row: 3, column: 'hazards', message: 'shelters.import.unknown_code' },
			{ row: 4, column: 'ref', message: 'shelters.import.duplicate_ref' }
		]);
	});

	it('reports missing and unknown columns on the header row', () => {
		const { errors } = parseFile('name_zh,name_en,colour\nx,y,z', 'csv', 'wgs84', TOWNS);
		expect(errors).toContainEqual({ row: 1, column: 'capacity', message: 'shelters.import.missing_column' });
		expect(errors).toContainEqual({ row: 1, column: 'colour', message: 'shelters.import.unknown_column' });
	});

	it('maps GB 21734 classes I/II/III to GB/T 44013 durations, never to a longer stay', () => {
		const rows = ['I', 'Ⅱ类', 'III', '紧急', 'long_term'].map((c, i) => `c${i},n,n,,40.4,116.9,${c},室外,1,earthquake,`);
		expect(parseFile(csv(...rows), 'csv', 'wgs84', TOWNS).rows.map((r) => r.class)).toEqual(['long_term', 'short_term', 'emergency', 'emergency', 'long_term']);
	});

	it('converts GCJ-02 and BD-09 input to WGS84', () => {
		const [gLon, gLat] = gcoord.transform([116.86, 40.46], gcoord.WGS84, gcoord.GCJ02) as [number, number];
		const [bLon, bLat] = gcoord.transform([116.86, 40.46], gcoord.WGS84, gcoord.BD09) as [number, number];
		const file = `${HEADER},crs\ng,n,n,,${gLat},${gLon},I,true,1,flood,,gcj02\nb,n,n,,${bLat},${bLon},I,true,1,flood,,bd09`;
		const { rows, errors } = parseFile(file, 'csv', 'wgs84', TOWNS);
		expect(errors).toEqual([]);
		for (const r of rows) expect(haversineM(r.lat, r.lon, 40.46, 116.86)).toBeLessThan(2);
		// The whole file may be declared GCJ-02 in the form instead.
		const whole = parseFile(csv(`w,n,n,,${gLat},${gLon},I,true,1,flood,`), 'csv', 'gcj02', TOWNS);
		expect(haversineM(whole.rows[0]!.lat, whole.rows[0]!.lon, 40.46, 116.86)).toBeLessThan(2);
	});

	it('reads GeoJSON points and names the feature of each problem', () => {
		const feature = (coordinates: unknown, properties: Record<string, unknown>) => ({ type: 'Feature', geometry: { type: 'Point', coordinates }, properties });
		const base = { name_zh: 'n', name_en: 'n', class: 'emergency', indoor: false, capacity: 50, hazards: ['earthquake'] };
		const ok = JSON.stringify({ type: 'FeatureCollection', features: [feature([116.9, 40.4], { ...base, ref: 'g1' })] });
		expect(parseFile(ok, 'geojson', 'wgs84', TOWNS).rows[0]).toMatchObject({ ref: 'g1', lat: 40.4, lon: 116.9, hazards: ['earthquake'] });
		const bad = JSON.stringify({
			type: 'FeatureCollection',
			features: [feature([116.9, 40.4], base), { type: 'Feature', geometry: { type: 'LineString', coordinates: [] }, properties: base }, feature([10, 10], { ...base, capacity: 'many' })]
		});
		expect(parseFile(bad, 'geojson', 'wgs84', TOWNS).errors).toEqual([
			{ row: 2, column: 'geometry', message: 'shelters.import.not_a_point' },
			{ row: 3, column: 'geometry', message: 'shelters.import.outside_district' },
			{ row: 3, column: 'capacity', message: 'shelters.import.not_a_count' }
		]);
		expect(parseFile('{', 'geojson', 'wgs84', TOWNS).errors[0]!.message).toBe('shelters.import.bad_json');
	});
});

describe.each(backends())('writing an import on $name', (backend) => {
	let db: Database;
	let admin: Claims, townStaff: Claims;

	beforeAll(async () => {
		db = await backend.open();
		admin = { role: 'authenticated', sub: (await addStaff(db, { email: 'a@test.cn', password: 'correct horse battery', role: 'admin', departmentCode: 'emergency' })).userId };
		townStaff = { role: 'authenticated', sub: (await addStaff(db, { email: 't@test.cn', password: 'correct horse battery', role: 'handler', townCode: '110118101' })).userId };
	});
	afterAll(async () => {
		await db?.close();
	});

	it('lets an admin import, and a second import with the same ref updates instead of duplicating', async () => {
		const towns = await asService(db, townCodes);
		const first = parseFile(csv(GOOD), 'csv', 'wgs84', towns);
		expect(await as(db, admin, (tx) => write(tx, first.rows))).toEqual({ inserted: 1, updated: 0 });
		const second = parseFile(csv(GOOD.replace(',500,', ',650,'), 'r9,丁,Shelter D,,40.41,116.9,I,true,9,flood,'), 'csv', 'wgs84', towns);
		expect(await as(db, admin, (tx) => write(tx, second.rows))).toEqual({ inserted: 1, updated: 1 });
		const rows = await as(db, ANON_CLAIMS, (tx) => tx.query<{ ref: string; capacity: number; demo: boolean }>('select ref, capacity, demo from public.shelters order by ref'));
		expect(rows).toEqual([
			{ ref: 'r1', capacity: 650, demo: false },
			{ ref: 'r9', capacity: 9, demo: false }
		]);
	});

	it('refuses an import by township staff or anonymous callers, writing nothing', async () => {
		const rows = parseFile(csv(GOOD.replace('r1,', 'r5,'), GOOD.replace('r1,', 'r6,')), 'csv', 'wgs84', TOWNS).rows;
		expect(await sqlState(as(db, townStaff, (tx) => write(tx, rows)))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => write(tx, rows)))).toBe('42501');
		expect(await asService(db, (tx) => tx.query(`select 1 from public.shelters where ref in ('r5', 'r6')`))).toEqual([]);
	});
});

describe.each(backends())('export on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('exports CSV and GeoJSON that import back unchanged', async () => {
		const { exportCsv, exportGeoJson } = await import('./export');
		const towns = await asService(db, townCodes);
		const source = parseFile(csv(GOOD, 'r2,"乙, ""east""",B,,40.41,116.9,I,false,5,earthquake,'), 'csv', 'wgs84', towns);
		await asService(db, (tx) => write(tx, source.rows));
		const strip = (r: Record<string, unknown>) => ({ ...r, lat: Number(r.lat), lon: Number(r.lon) });
		const fromCsv = parseFile(await as(db, ANON_CLAIMS, exportCsv), 'csv', 'wgs84', towns);
		const fromJson = parseFile(await as(db, ANON_CLAIMS, exportGeoJson), 'geojson', 'wgs84', towns);
		expect(fromCsv.errors).toEqual([]);
		expect(fromJson.errors).toEqual([]);
		expect(fromCsv.rows.map(strip)).toEqual(source.rows.map(strip));
		expect(fromJson.rows.map(strip)).toEqual(source.rows.map(strip));
	});

	it('neutralises formulas in text fields of the CSV (a note, a contact), as the volunteer export does', async () => {
		const { exportCsv } = await import('./export');
		const towns = await asService(db, townCodes);
		const evil = parseFile(
			[`${HEADER},contact,note`, `r9,丁,Shelter D,110118101,40.45,116.85,short_term,true,50,flood,,@SUM(1+1),"=HYPERLINK(""http://evil.example"",""click"")"`].join('\r\n'),
			'csv',
			'wgs84',
			towns
		);
		expect(evil.errors).toEqual([]);
		await asService(db, (tx) => write(tx, evil.rows));
		const out = await as(db, ANON_CLAIMS, exportCsv);
		const line = out.split('\r\n').find((l) => l.startsWith('r9,'))!;
		expect(line).toContain(`'@SUM(1+1)`);
		expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
		// No cell of the export starts a formula.
		for (const cell of parseFile(out, 'csv', 'wgs84', towns).rows.flatMap((r) => Object.values(r)))
			if (typeof cell === 'string') expect(cell).not.toMatch(/^[=+@]/);
	});
});
