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
