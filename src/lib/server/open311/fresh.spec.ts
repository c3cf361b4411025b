/**
 * The first start of the embedded database: PGlite learns array types when it opens, so
 * an enum array created by the migrations it has just run cannot be sent as a parameter.
 * The service_code filter must work then too (the template-based suites cannot see this).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ANON_CLAIMS, asCaller } from '../db/caller';
import { MIGRATIONS_DIR } from '../db/index';
import { migrate, readMigrations } from '../db/migrate';
import { openPglite } from '../db/pglite';
import type { Database } from '../db/port';
import { parseFilters, findRequests } from './requests';

let db: Database;
beforeAll(async () => {
	db = await openPglite();
	await migrate(db, readMigrations(MIGRATIONS_DIR));
});
afterAll(async () => {
	await db?.close();
});

it('filters by service_code on a database migrated since it opened', async () => {
	const filters = parseFilters(new URLSearchParams('service_code=gas,hazmat'));
	expect(await asCaller(db, ANON_CLAIMS, (tx) => findRequests(tx, filters, 'en', 'http://x.test'))).toEqual([]);
});
