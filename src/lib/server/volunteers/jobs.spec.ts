import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends } from '../testing/db';
import { sendReminders } from './jobs';
import { register } from './registrations';
import { addEvent, addVolunteer } from './testing';

describe.each(backends())('volunteer reminders on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	const startsAt = async (eventId: string) => {
		const [row] = await asService(db, (tx) => tx.query<{ starts_at: Date }>('select starts_at from public.volunteer_events where id = $1', [eventId]));
		return new Date(row!.starts_at).getTime();
	};
	const remindersFor = (phone: string) =>
		asService(db, (tx) =>
			tx.query<{ template: string }>(`select template from public.delivery_queue where address = $1 and template like 'reminder_%' order by id`, [phone])
		).then((rows) => rows.map((r) => r.template));

	it('sends the 24-hour and the 2-hour reminder once each, at the right times', async () => {
		const eventId = await addEvent(db, { startsInHours: 100, capacity: 3 });
		const [v, w] = await Promise.all([addVolunteer(db), addVolunteer(db)]);
		await as(db, v, (tx) => register(tx, eventId));
		await as(db, w, (tx) => register(tx, eventId));
		const start = await startsAt(eventId);
		const at = (hoursBefore: number) => new Date(start - hoursBefore * 3600_000);

		await sendReminders(db, at(25));
		expect(await remindersFor(v.phone)).toEqual([]);
		await sendReminders(db, at(23.9));
		expect(await remindersFor(v.phone)).toEqual(['reminder_24h']);
		await sendReminders(db, at(20));
		expect(await remindersFor(v.phone)).toEqual(['reminder_24h']);
		await sendReminders(db, at(1.5));
		expect(await remindersFor(v.phone)).toEqual(['reminder_24h', 'reminder_2h']);
		await sendReminders(db, at(1));
		expect(await remindersFor(w.phone)).toEqual(['reminder_24h', 'reminder_2h']);
		// After the start, nothing more.
		await sendReminders(db, at(-1));
		expect(await remindersFor(v.phone)).toHaveLength(2);
	});

	it('sends only the 2-hour reminder to someone who first becomes due inside two hours; none to the cancelled', async () => {
		const eventId = await addEvent(db, { startsInHours: 100 });
		const [v, gone] = await Promise.all([addVolunteer(db), addVolunteer(db)]);
		await as(db, v, (tx) => register(tx, eventId));
		const reg = await as(db, gone, (tx) => register(tx, eventId));
		await asService(db, (tx) => tx.query(`update public.volunteer_registrations set status = 'cancelled' where id = $1`, [reg.ok && reg.id]));
		const start = await startsAt(eventId);
		await sendReminders(db, new Date(start - 3600_000));
		await sendReminders(db, new Date(start - 1800_000));
		expect(await remindersFor(v.phone)).toEqual(['reminder_2h']);
		expect(await remindersFor(gone.phone)).toEqual([]);
	});

	it('sends each reminder once when several processes run the job at the same moment', async () => {
		const eventId = await addEvent(db, { startsInHours: 200, capacity: 30 });
		const crowd = await Promise.all(Array.from({ length: 30 }, () => addVolunteer(db)));
		for (const v of crowd) await as(db, v, (tx) => register(tx, eventId));
		const now = new Date((await startsAt(eventId)) - 10 * 3600_000);
		const counts = await Promise.all([1, 2, 3, 4].map(() => sendReminders(db, now)));
		expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
		const [sent] = await asService(db, (tx) =>
			tx.query<{ n: number; people: number }>(
				`select count(*)::int as n, count(distinct address)::int as people from public.delivery_queue
				  where template = 'reminder_24h' and params ->> 'event_id' = $1`,
				[eventId]
			)
		);
		expect(sent).toEqual({ n: 30, people: 30 });
	});
});
