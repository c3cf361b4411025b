/**
 * A server process's fan-out engine, alone, for the crash test: it runs until killed.
 * Env: DATABASE_URL, PUSH_SERVICE_ALLOWLIST (the simulator), PUSH_SERVICE_CA_FILE,
 * DELIVERY_LEASE_SECONDS.
 */
import fs from 'node:fs';
import webpush from 'web-push';
import { parseAllowlist } from '../allowlist';
import { pushChannel } from '../push';
import { EncryptPool } from '../encrypt-pool';
import { startDelivery } from '../engine';
import { PushTransport } from '../transport';
import { VapidSigner } from '../vapid';
import { openPostgres } from '../../db/postgres';
import { messagesFromDisk } from './messages';

const db = openPostgres(process.env.DATABASE_URL!, 4);
const allow = parseAllowlist(process.env.PUSH_SERVICE_ALLOWLIST);
const transport = new PushTransport(allow, { ca: fs.readFileSync(process.env.PUSH_SERVICE_CA_FILE!, 'utf8') });
await startDelivery({
	db,
	batch: Number(process.env.DELIVERY_BATCH ?? 200),
	inFlight: Number(process.env.DELIVERY_IN_FLIGHT ?? 2),
	leaseSeconds: Number(process.env.DELIVERY_LEASE_SECONDS ?? 3),
	pollMs: 100,
	channels: [pushChannel({ transport, signer: new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@example.cn'), pool: new EncryptPool(1), allow, messages: messagesFromDisk })]
});
console.log('fan-out engine running');
setInterval(() => undefined, 1 << 30);
