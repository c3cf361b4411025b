/**
 * The server the browser journeys run against: a fresh embedded database in
 * .test-data/e2e with the demo seed, one handler of the water department and two API
 * keys, a warning feed's and an Open311 client's (written to .test-data/e2e.json for the
 * tests), then `npm start`'s own path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createApiKey } from '../src/lib/server/auth/api-keys';
import { readConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db';
import { seedDemo } from '../src/lib/server/seed';
import { addStaff } from '../src/lib/server/staff';
import { E2E } from './fixtures';

const dataDir = path.resolve('.test-data/e2e');
fs.rmSync(dataDir, { recursive: true, force: true });
process.env.DATA_DIR = dataDir;

const { db } = await openDatabase(readConfig(), 'e2e setup');
try {
	await seedDemo(db);
	await addStaff(db, { ...E2E.handler, role: 'handler', departmentCode: 'water' });
	await addStaff(db, { ...E2E.issuer, role: 'warning_issuer', departmentCode: 'emergency' });
	const apiKey = await createApiKey(db, 'e2e-feed', 'warning_issuer');
	const open311Key = await createApiKey(db, 'e2e-open311', 'open311');
	fs.writeFileSync(E2E.secretsFile, JSON.stringify({ apiKey, open311Key }));
} finally {
	await db.close();
}

await import('../scripts/start.js');
