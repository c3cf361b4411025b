/**
 * A drill's Exercise warning: issued only by a warning issuer or an admin, texted to
 * the drill's confirmed participants (not the waitlist), marked as an exercise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { smsChannel } from '../messaging/sms';
import { smsCatcher } from '../messaging/sms/gateway';
import { sendSmsOnce } from '../messaging/sms/sender';
import { startDelivery, type Engine } from '../messaging/engine';
import { messagesFor } from '../i18n';
import { as, backends, staffClaims } from '../testing/db';
import { sendDrillWarning } from './drill-warning';
import * as events from './events';
import { register } from './registrations';
import { addEvent, addVolunteer } from './testing';

describe.each(backends())('drill warnings on $name', (backend) => {
	let db: Database;
	let engine: Engine;
	let admin: Claims, handler: Claims;

	beforeAll(async () => {
		db = await backend.open();
		engine = await startDelivery({ db, pollMs: 100, channels: [smsChannel(smsCatcher(db), 'https://safe.example.cn', messagesFor)] });
		admin = await staffClaims(db, 'admin@drill.test', 'admin');
		handler = await staffClaims(db, 'handler@drill.test', 'handler');
	});
	afterAll(async () => {
		await engine?.stop();
		await db?.close();
	});

	it('texts the confirmed participants an exercise warning, and only them', async () => {
		const eventId = await addEvent(db, { capacity: 2 });
		const people = [await addVolunteer(db), await addVolunteer(db), await addVolunteer(db)];
		for (const person of people) await as(db, person, (tx) => register(tx, eventId));
		const event = (await as(db, admin, (tx) => events.get(tx, eventId)))!;

		const refused = await as(db, handler, (tx) => sendDrillWarning(tx, event));
		expect(refused).toEqual({ problem: 'delivery.drill_refused' });

		const sent = await as(db, admin, (tx) => sendDrillWarning(tx, event));
		expect('threadId' in sent).toBe(true);
		engine.kick();
		await engine.drained();

		const [warning] = await asService(db, (tx) =>
			tx.query<{ status: string; state: string }>('select status, state from public.warnings where thread_id = $1', ['threadId' in sent ? sent.threadId : ''])
		);
		expect(warning).toEqual({ status: 'Exercise', state: 'issued' });
		// queued as volunteers (a typed recipient), kept as the warning's template until a gateway sends them
		const queued = await asService(db, (tx) =>
			tx.query<{ recipient_kind: string }>(`select recipient_kind from public.delivery_queue q join public.warnings w on w.id = q.warning_id where w.status = 'Exercise' and q.template is null`)
		);
		expect(queued.map((q) => q.recipient_kind)).toEqual(['volunteer', 'volunteer']);
		const kept = await asService(db, (tx) => tx.query<{ recipient: string; params: { lang: string } }>(`select address as recipient, params from public.delivery_queue where template = 'warning'`));
		expect(kept.map((m) => m.recipient).sort()).toEqual([people[0]!.phone, people[1]!.phone].sort());
		expect(kept.every((m) => m.params.lang === 'zh-CN')).toBe(true);
		const texts: string[] = [];
		await sendSmsOnce(db, { deliver: async (_to, text) => void texts.push(text) }, messagesFor, 'https://safe.example.cn');
		const prefix = (messagesFor('zh-CN').warnings as Record<string, string>).drill_prefix_Exercise!;
		expect(texts).toHaveLength(2);
		expect(texts.every((text) => text.includes(prefix))).toBe(true);
	});

	it('sends none for a training session', async () => {
		const eventId = await addEvent(db, { kind: 'training' });
		const event = (await as(db, admin, (tx) => events.get(tx, eventId)))!;
		expect(await as(db, admin, (tx) => sendDrillWarning(tx, event))).toEqual({ problem: 'delivery.drill_not_a_drill' });
	});
});
