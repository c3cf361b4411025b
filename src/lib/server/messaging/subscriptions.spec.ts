/**
 * Replacing a push subscription (same endpoint) takes its secret: an endpoint is known to
 * the push service and to anyone the browser shared it with, and replacing deletes the
 * owner's places and report watches. Through this server and as anon straight to the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends } from '../testing/db';
import { createSubscription, readSubscription, sha256, SubscriptionError, type SubscriptionInput } from './subscriptions';
import { makeKeys } from './testing/push-simulator';

describe.each(backends())('replacing a push subscription on $name', (backend) => {
	let db: Database;
	const [key] = makeKeys(1);
	const endpoint = 'https://push.example.test/send/victim-endpoint';
	const input = (label: string): SubscriptionInput => ({
		channel: 'push',
		push: { endpoint, p256dh: key!.p256dh, auth: key!.auth },
		phone: null,
		places: [{ lat: 40.38, lon: 116.84, label }],
		lang: 'zh-CN',
		hazards: [],
		minLevel: 'blue',
		exercises: false,
		until: null
	});
	const anon = <T>(work: Parameters<typeof as<T>>[2]) => as(db, ANON_CLAIMS, work);

	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('refuses to replace without the secret, or with a wrong one, and keeps the owner’s places', async () => {
		const victim = await anon((tx) => createSubscription(tx, input('home')));
		for (const secret of [null, 'not-the-secret']) {
			const attempt = anon((tx) => createSubscription(tx, input('attacker'), secret));
			await expect(attempt).rejects.toBeInstanceOf(SubscriptionError);
			await expect(attempt).rejects.toMatchObject({ field: 'push', status: 409 });
		}
		const kept = await anon((tx) => readSubscription(tx, victim.id, victim.secret));
		expect((kept!.places as { label: string }[]).map((p) => p.label)).toEqual(['home']);

		// The owner, with the secret, replaces it.
		const next = await anon((tx) => createSubscription(tx, input('new home'), victim.secret));
		expect(await anon((tx) => readSubscription(tx, victim.id, victim.secret))).toBeNull();
		const now = await anon((tx) => readSubscription(tx, next.id, next.secret));
		expect((now!.places as { label: string }[]).map((p) => p.label)).toEqual(['new home']);
	});

	it('refuses it to anon calling the database function directly (Supabase REST), old signature gone', async () => {
		const owner = await anon((tx) => createSubscription(tx, { ...input('farm'), push: { endpoint: `${endpoint}-2`, p256dh: key!.p256dh, auth: key!.auth } }));
		const args = [sha256('mine'), 'push', `${endpoint}-2`, key!.p256dh, key!.auth, null, null, 'en', [], 'blue', false, null, JSON.stringify([{ lat: 40.4, lon: 116.8 }])];
		await expect(
			anon((tx) => tx.query(`select app.subscription_create($1, $2, $3, $4, $5, $6, $7, $8, $9::public.hazard_code[], $10, $11, $12, $13)`, args))
		).rejects.toThrow(/already has a subscription/);
		await expect(
			anon((tx) => tx.query(`select app.subscription_create($1, $2, $3, $4, $5, $6, $7, $8, $9::public.hazard_code[], $10, $11, $12, $13, $14)`, [...args, sha256('guess')]))
		).rejects.toThrow(/already has a subscription/);
		expect(await anon((tx) => readSubscription(tx, owner.id, owner.secret))).not.toBeNull();
	});
});
