/**
 * One transient database error while a batch loads its warning must not stall the
 * fan-out: the failure is not cached, the batch is handed back, and the next attempt
 * sends it. The error is injected once into a real database's transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { ANON_CLAIMS, asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { messagesFor } from '../i18n';
import { as, backends } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import { parseAllowlist } from './allowlist';
import { pushChannel } from './push';
import { EncryptPool } from './encrypt-pool';
import { startDelivery } from './engine';
import { createSubscription } from './subscriptions';
import { makeKeys, startSimulator, type Simulator } from './testing/push-simulator';
import { PushTransport } from './transport';
import { VapidSigner } from './vapid';

/** The database, except that the first load of a warning for delivery fails as a dropped connection would. */
function failingOnce(db: Database): Database & { failures: number } {
	let failures = 0;
	const wrap = (tx: Queryable): Queryable => ({
		exec: (sql) => tx.exec(sql),
		query: (sql, params) => {
			if (failures === 0 && /join public\.deliveries d on d\.warning_id = w\.id/.test(sql)) {
				failures++;
				return Promise.reject(Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' }));
			}
			return tx.query(sql, params);
		}
	});
	return {
		kind: db.kind,
		query: (sql, params) => db.query(sql, params),
		exec: (sql) => db.exec(sql),
		transaction: (work) => db.transaction((tx) => work(wrap(tx))),
		listen: (channel, onPayload, onResume) => db.listen(channel, onPayload, onResume),
		status: () => db.status(),
		whenAvailable: () => db.whenAvailable(),
		close: () => db.close(),
		get failures() {
			return failures;
		}
	};
}

describe.each(backends())('a transient error in the fan-out on $name', (backend) => {
	let db: Database;
	let sim: Simulator;
	let transport: PushTransport;
	const keys = makeKeys(1);

	beforeAll(async () => {
		db = await backend.open();
		sim = await startSimulator({ keys, sampleRate: 1 });
		transport = new PushTransport(parseAllowlist(sim.origin), { ca: sim.cert });
	});
	afterAll(async () => {
		transport?.close();
		await sim?.close();
		await db?.close();
	});

	it('is retried: the recipient gets the warning', { timeout: 90_000 }, async () => {
		const made = await as(db, ANON_CLAIMS, (tx) =>
			createSubscription(tx, {
				channel: 'push',
				push: { endpoint: sim.endpoint('one', 0), p256dh: keys[0]!.p256dh, auth: keys[0]!.auth },
				phone: null,
				places: [{ lat: 40.39, lon: 116.85, label: null }],
				lang: 'zh-CN',
				hazards: [],
				minLevel: 'blue',
				exercises: false,
				until: null
			})
		);
		// issued before the engine runs, so no notice preloads the warning: the batch loads it
		const id = await asService(db, async (tx) => {
			const saved = await warnings.saveDraft(tx, rainstorm({ level: 'blue', areas: [{ kind: 'circle', centre: [40.39, 116.85], radiusKm: 2 }] }));
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			await warnings.submit(tx, saved.id);
			return saved.id;
		});
		const flaky = failingOnce(db);
		const errors: unknown[] = [];
		const allow = parseAllowlist(sim.origin);
		const engine = await startDelivery({
			db: flaky,
			pollMs: 100,
			leaseSeconds: 2,
			onError: (e) => errors.push(e),
			channels: [pushChannel({ transport, signer: new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@example.cn'), pool: new EncryptPool(0), allow, messages: messagesFor })]
		});
		try {
			const sent = async () => {
				const rows = await asService(db, (tx) => tx.query<{ state: string }>('select state from public.delivery_queue where warning_id = $1 and recipient_id = $2', [id, made.id]));
				return rows[0]?.state;
			};
			// bounded: before the fix the rejected load stayed cached and nothing was ever sent
			for (let i = 0; i < 300 && (await sent()) !== 'sent'; i++) await new Promise((r) => setTimeout(r, 100));
			expect(flaky.failures).toBe(1);
			expect(errors.length).toBeGreaterThan(0);
			expect(await sent()).toBe('sent');
			expect(sim.counts.get('one')).toBe(1);
		} finally {
			await engine.stop();
		}
	});
});
