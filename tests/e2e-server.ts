/**
 * The server the browser journeys run against: a fresh embedded database in
 * .test-data/e2e with the demo seed, one handler of the water department and two API
 * keys, a warning feed's and an Open311 client's (written to .test-data/e2e.json for the
 * tests), then `npm start`'s own path.
 * A push-service simulator runs in this process on loopback (the browser cannot reach
 * a real push service here); the server trusts it through PUSH_SERVICE_ALLOWLIST and
 * PUSH_SERVICE_CA_FILE, and the journeys get its origin and subscriber keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createApiKey } from '../src/lib/server/auth/api-keys';
import { readConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db';
import { seedDemo } from '../src/lib/server/seed';
import { makeKeys, startSimulator } from '../src/lib/server/messaging/testing/push-simulator';
import { addStaff } from '../src/lib/server/staff';
import { E2E } from './fixtures';
import { E2E_SMS_INBOUND_TOKEN } from './fake-sms-gateway';

const dataDir = path.resolve('.test-data/e2e');
fs.rmSync(dataDir, { recursive: true, force: true });
process.env.DATA_DIR = dataDir;

// Before the server reads its configuration. Every body is decrypted (sampleRate 1), so
// a journey can read the payload a subscription was sent.
const pushKeys = makeKeys(1);
const pushSim = await startSimulator({ keys: pushKeys, sampleRate: 1 });
const caFile = path.resolve('.test-data/push-simulator.pem');
fs.mkdirSync(path.dirname(caFile), { recursive: true });
fs.writeFileSync(caFile, pushSim.cert);
process.env.PUSH_SERVICE_CA_FILE = caFile;
process.env.PUSH_SERVICE_ALLOWLIST = pushSim.origin;

const { db } = await openDatabase(readConfig(), 'e2e setup');
try {
	await seedDemo(db);
	await addStaff(db, { ...E2E.handler, role: 'handler', departmentCode: 'water' });
	await addStaff(db, { ...E2E.issuer, role: 'warning_issuer', departmentCode: 'emergency' });
	await addStaff(db, { ...E2E.townStaff, role: 'dispatcher', townCode: '110118101', displayName: 'e2e xwz' });
	const apiKey = await createApiKey(db, 'e2e-feed', 'warning_issuer');
	const open311Key = await createApiKey(db, 'e2e-open311', 'open311');
	const eewKey = await createApiKey(db, 'e2e-eew', 'eew_network');
	const pushSimulator = { origin: pushSim.origin, keyIndex: 0, p256dh: pushKeys[0]!.p256dh, auth: pushKeys[0]!.auth };
	fs.writeFileSync(E2E.secretsFile, JSON.stringify({ apiKey, open311Key, eewKey, pushSimulator }));
} finally {
	await db.close();
}

// Every journey comes from 127.0.0.1: the per-address write limit would throttle the
// suite itself, not a person. (The limiter has its own tests.)
process.env.ANON_WRITES_PER_MINUTE = '2000';
process.env.REPORTS_PER_ADDRESS_PER_HOUR = '2000';
// The fake SMS gateway's token (tests/fake-sms-gateway.ts): replies to warning texts.
process.env.SMS_INBOUND_TOKEN = E2E_SMS_INBOUND_TOKEN;
await import('../scripts/start.js');
