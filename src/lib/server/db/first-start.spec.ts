/**
 * The first start of the embedded database, as `npm start` does it: PGlite learns array
 * types when it opens, so enum arrays the migrations just created must be learnt again
 * before the first request sends one (the template-based suites cannot see this).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../config';
import { ANON_CLAIMS, asCaller, asService } from '../db/caller';
import { createSubscription } from '../messaging/subscriptions';
import { findRequests, parseFilters } from '../open311/requests';
import { list } from '../reports/queue';
import { openDatabase } from './index';
import type { Database } from './port';

let db: Database;
let dir: string;
beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'first-start-'));
	db = (await openDatabase(readConfig({ DATA_DIR: dir }), 'first-start test')).db;
}, 120_000);
afterAll(async () => {
	await db?.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

it('sends enum arrays as parameters on a database migrated since it opened', async () => {
	const made = await asCaller(db, ANON_CLAIMS, (tx) =>
		createSubscription(tx, {
			channel: 'sms', push: null, phone: '13900000000', places: [{ lat: 40.45, lon: 116.83, label: null }], lang: 'en',
			hazards: ['flash_flood', 'earthquake'], minLevel: 'blue', exercises: false, until: null
		})
	);
	expect(made.id).toMatch(/^[0-9a-f-]{36}$/);
	expect(await asService(db, (tx) => list(tx, 'open'))).toEqual([]);
	const filters = parseFilters(new URLSearchParams('service_code=gas,hazmat'));
	expect(await asCaller(db, ANON_CLAIMS, (tx) => findRequests(tx, filters, 'en', 'http://x.test'))).toEqual([]);
});

it('keeps in memory neither the PostGIS library it has loaded nor the install script, and PostGIS still answers', async () => {
	// PGlite's in-memory file system, seen from inside the database (it runs as superuser)
	const [library] = await db.query<{ size: number }>(`select size from pg_stat_file('/pglite/lib/postgresql/postgis-3.so')`);
	expect(Number(library!.size)).toBe(0);
	const scripts = await db.query(`select f from pg_ls_dir('/pglite/share/postgresql/extension') f where f like 'postgis--%.sql'`);
	expect(scripts).toEqual([]);
	// functions this session has not called yet: Postgres finds the library loaded by its path
	const [row] = await db.query<{ json: string; utm: string; area: number }>(
		`select st_asgeojson(st_makeenvelope(116, 40, 117, 41, 4326)) as json,
		        st_astext(st_snaptogrid(st_transform(st_setsrid(st_makepoint(116.84, 40.37), 4326), 32650), 1)) as utm,
		        st_area(st_buffer(st_makepoint(116.84, 40.37)::geography, 1000)) as area`
	);
	expect(JSON.parse(row!.json).type).toBe('Polygon');
	expect(row!.utm).toMatch(/^POINT\(\d{6} \d{7}\)$/);
	expect(row!.area).toBeGreaterThan(3.1e6);
});
