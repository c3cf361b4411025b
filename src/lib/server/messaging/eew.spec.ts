/**
 * The EEW's push path: who gets it (places inside the loud radius — the devices' own rule —
 * nearest first; drills only to those who chose drills), and how (Urgency very-high, TTL
 * from the origin, one Topic per event, the small wire payload the worker reads).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEewWire, type EewFacts } from '../../eew/message';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { backends } from '../testing/db';
import { parseAllowlist } from './allowlist';
import { eewTopic, pushEew } from './eew';
import type { EncryptPool } from './encrypt-pool';
import type { PushParts } from './push';
import { messagesFor } from '../i18n';
import type { PushRequest, PushTransport } from './transport';
import type { VapidSigner } from './vapid';

function recording() {
	const sent: PushRequest[] = [];
	const parts: PushParts = {
		transport: { preconnect: () => undefined, send: async (r: PushRequest) => (sent.push(r), { status: 201, retryAfter: null }) } as unknown as PushTransport,
		signer: { authorization: () => 'vapid t=x, k=y' } as unknown as VapidSigner,
		pool: { encrypt: async (jobs: { payload: string }[]) => jobs.map((j) => new TextEncoder().encode(j.payload)) } as unknown as EncryptPool,
		allow: parseAllowlist('https://push.example.test'),
		messages: messagesFor
	};
	return { parts, sent };
}

const facts = (over: Partial<EewFacts> = {}): EewFacts => ({
	eventId: 'ev-1',
	sequence: 1,
	msgType: 'Alert',
	status: 'Actual',
	originTime: new Date(Date.now() - 5000),
	lat: 40.5,
	lon: 117.0,
	depthKm: 10,
	magnitude: 5.0,
	...over
});

describe.each(backends())('EEW push on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
		// km north of the epicentre: 5, 40, 90 (M5.0 is loud to about 61 km), and a drill subscriber at 20
		const subs: [string, number, boolean][] = [['near', 5, false], ['mid', 40, false], ['far', 90, false], ['drill', 20, true]];
		for (const [name, km, exercises] of subs) {
			await asService(db, (tx) =>
				tx.query(
					`with s as (insert into public.subscriptions (secret_hash, channel, endpoint, p256dh, auth, confirmed, lang, exercises)
					            values (repeat('0', 64), 'push', 'https://push.example.test/' || $1, repeat('x', 87), repeat('y', 22), true, 'en', $3) returning id)
					 insert into public.subscription_places (subscription_id, geom) select id, extensions.st_setsrid(extensions.st_makepoint(117.0, 40.5 + $2::float8 / 111.2), 4326) from s`,
					[name, km, exercises]
				)
			);
		}
	});
	afterAll(async () => {
		await db?.close();
	});

	it('reaches the places inside the loud radius, nearest first, very-high, with the TTL left', async () => {
		const { parts, sent } = recording();
		const result = await pushEew(db, parts, facts());
		expect(result.radiusKm).toBeGreaterThan(40);
		expect(result.radiusKm).toBeLessThan(90);
		// the drill subscriber takes real warnings too
		expect(sent.map((r) => r.endpoint.split('/').pop()).sort()).toEqual(['drill', 'mid', 'near']);
		expect(sent[0]!.endpoint.endsWith('/near')).toBe(true);
		for (const r of sent) {
			expect(r.headers.urgency).toBe('very-high');
			expect(Number(r.headers.ttl)).toBeGreaterThan(100);
			expect(Number(r.headers.ttl)).toBeLessThanOrEqual(115);
			expect(r.headers.topic).toBe(eewTopic('ev-1'));
			const payload = JSON.parse(new TextDecoder().decode(r.body));
			expect(isEewWire(payload)).toBe(true);
			expect(payload).toMatchObject({ e: 'ev-1', q: 1, m: 5, la: 40.5, lo: 117, d: 10, l: 'en' });
			expect(r.body.length).toBeLessThan(200);
		}
	});

	it('a drill goes only to those who chose drills; a quake too small to be loud anywhere goes to nobody; a stale one neither', async () => {
		const drill = recording();
		await pushEew(db, drill.parts, facts({ eventId: 'drill-1', status: 'Exercise' }));
		expect(drill.sent.map((r) => r.endpoint.split('/').pop())).toEqual(['drill']);
		const small = recording();
		expect((await pushEew(db, small.parts, facts({ eventId: 'small', magnitude: 2 }))).recipients).toBe(0);
		const stale = recording();
		await pushEew(db, stale.parts, facts({ eventId: 'stale', originTime: new Date(Date.now() - 130_000) }));
		expect(stale.sent).toHaveLength(0);
	});
});
