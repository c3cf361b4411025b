import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import * as events from './events';
import * as people from './people';
import { attendees, cancel, checkIn, checkOut, mine, register } from './registrations';
import { addEvent, addVolunteer } from './testing';

describe.each(backends())('volunteer registrations on $name', (backend) => {
	let db: Database;
	let admin: Claims, townStaff: Claims, otherTownStaff: Claims, fireHandler: Claims;

	const seats = async (eventId: string) => {
		const [row] = await asService(db, (tx) =>
			tx.query<{ confirmed: number; waitlisted: number; status: string; capacity: number }>(
				'select s.confirmed, s.waitlisted, e.status, e.capacity from public.volunteer_events e, app.event_seats(e.id) s where e.id = $1',
				[eventId]
			)
		);
		return row!;
	};

	beforeAll(async () => {
		db = await backend.open();
		admin = await staffClaims(db, 'admin@v.test', 'admin', { departmentCode: 'emergency' });
		townStaff = await staffClaims(db, 'town@v.test', 'dispatcher', { townCode: '110118101' });
		otherTownStaff = await staffClaims(db, 'other@v.test', 'dispatcher', { townCode: '110118102' });
		fireHandler = await staffClaims(db, 'fire@v.test', 'handler', { departmentCode: 'fire_rescue' });
	});
	afterAll(async () => {
		await db?.close();
	});

	it('never exceeds capacity when many sign up at once; the rest are waitlisted in order', async () => {
		const capacity = 5;
		const eventId = await addEvent(db, { capacity });
		const crowd = await Promise.all(Array.from({ length: 40 }, () => addVolunteer(db)));
		const results = await Promise.all(crowd.map((v) => as(db, v, (tx) => register(tx, eventId))));
		expect(results.every((r) => r.ok)).toBe(true);
		const statuses = results.map((r) => (r.ok ? r.status : 'failed'));
		expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(capacity);
		expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(40 - capacity);
		expect(await seats(eventId)).toMatchObject({ confirmed: capacity, waitlisted: 40 - capacity, status: 'full' });
		// Check-in codes: 8 characters, all different.
		const codes = results.map((r) => (r.ok ? r.code : ''));
		expect(new Set(codes).size).toBe(40);
		for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
	});

	it('refuses a double sign-up, also when both arrive at once', async () => {
		const eventId = await addEvent(db, { capacity: 10 });
		const v = await addVolunteer(db);
		const both = await Promise.all([as(db, v, (tx) => register(tx, eventId)), as(db, v, (tx) => register(tx, eventId))]);
		expect(both.filter((r) => r.ok)).toHaveLength(1);
		expect(both.find((r) => !r.ok)).toEqual({ ok: false, problem: 'duplicate' });
		expect(await as(db, v, (tx) => register(tx, eventId))).toEqual({ ok: false, problem: 'duplicate' });
		expect((await seats(eventId)).confirmed).toBe(1);
	});

	it('enforces the deadline and the status, and wants a profile', async () => {
		const v = await addVolunteer(db);
		const late = await addEvent(db, { startsInHours: 5, deadlineInHours: -1 });
		expect(await as(db, v, (tx) => register(tx, late))).toEqual({ ok: false, problem: 'deadline' });
		const draft = await addEvent(db, { status: 'draft' });
		expect(await as(db, v, (tx) => register(tx, draft))).toEqual({ ok: false, problem: 'not_found' });
		const cancelled = await addEvent(db, { status: 'cancelled' });
		expect(await as(db, v, (tx) => register(tx, cancelled))).toEqual({ ok: false, problem: 'closed' });
		expect(await as(db, v, (tx) => register(tx, 'not-a-uuid'))).toEqual({ ok: false, problem: 'not_found' });

		const open = await addEvent(db);
		// Anonymous callers cannot sign up at all; a volunteer without a name must complete the profile first.
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => register(tx, open)))).toBe('42501');
		const bare = await addVolunteer(db);
		await asService(db, (tx) => tx.query('update public.volunteers set name = null where user_id = $1', [bare.sub]));
		expect(await as(db, bare, (tx) => register(tx, open))).toEqual({ ok: false, problem: 'profile' });
		// Staff are not volunteers either.
		expect(await as(db, townStaff, (tx) => register(tx, open))).toEqual({ ok: false, problem: 'profile' });
	});

	it('promotes the first on the waitlist when a seat frees, and tells them through the outbox', async () => {
		const eventId = await addEvent(db, { capacity: 2 });
		const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => addVolunteer(db)));
		const regs = [];
		for (const v of [a!, b!, c!, d!]) regs.push(await as(db, v, (tx) => register(tx, eventId)));
		expect(regs.map((r) => r.ok && r.status)).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted']);
		const [cReg] = await as(db, c!, (tx) => mine(tx, c!.sub));
		expect(cReg!.waitlist_place).toBe(1);

		// Someone else cannot cancel a's registration.
		const aId = regs[0]!.ok ? regs[0]!.id : '';
		expect(await as(db, b!, (tx) => cancel(tx, aId))).toEqual({ ok: false, problem: 'not_found' });

		const result = await as(db, a!, (tx) => cancel(tx, aId));
		expect(result).toEqual({ ok: true, promoted: regs[2]!.ok && regs[2]!.id });
		const [promoted] = await as(db, c!, (tx) => mine(tx, c!.sub));
		expect(promoted!.status).toBe('confirmed');
		const [told] = await asService(db, (tx) =>
			tx.query<{ recipient: string; template: string; params: { code: string } }>(
				`select address as recipient, template, params from public.delivery_queue where template = 'promoted' order by id desc limit 1`
			)
		);
		expect(told).toMatchObject({ recipient: c!.phone, template: 'promoted', params: { code: promoted!.code } });
		expect(await seats(eventId)).toMatchObject({ confirmed: 2, waitlisted: 1, status: 'full' });

		// Cancelling twice changes nothing; a waitlisted person leaving promotes nobody.
		expect(await as(db, a!, (tx) => cancel(tx, aId))).toEqual({ ok: true, promoted: null });
		const dId = regs[3]!.ok ? regs[3]!.id : '';
		expect(await as(db, d!, (tx) => cancel(tx, dId))).toEqual({ ok: true, promoted: null });
		// A seat freed with nobody waiting reopens the event.
		const bId = regs[1]!.ok ? regs[1]!.id : '';
		await as(db, b!, (tx) => cancel(tx, bId));
		expect(await seats(eventId)).toMatchObject({ confirmed: 1, waitlisted: 0, status: 'open' });
		// One may sign up again after cancelling.
		expect(await as(db, a!, (tx) => register(tx, eventId))).toMatchObject({ ok: true, status: 'confirmed' });
	});

	it('keeps capacity when cancels and sign-ups race', async () => {
		const capacity = 3;
		const eventId = await addEvent(db, { capacity });
		const first = await Promise.all(Array.from({ length: 8 }, () => addVolunteer(db)));
		const regs = [];
		for (const v of first) regs.push({ v, r: await as(db, v, (tx) => register(tx, eventId)) });
		const late = await Promise.all(Array.from({ length: 6 }, () => addVolunteer(db)));
		await Promise.all([
			...regs.slice(0, 3).map(({ v, r }) => as(db, v, (tx) => cancel(tx, r.ok ? r.id : ''))),
			...late.map((v) => as(db, v, (tx) => register(tx, eventId)))
		]);
		const s = await seats(eventId);
		expect(s.confirmed).toBe(capacity);
		expect(s.waitlisted).toBe(8 + 6 - 3 - capacity);
	});

	it('checks a person in once per code, at the right event, by its organisers only', async () => {
		const eventId = await addEvent(db, { capacity: 1 });
		const otherEvent = await addEvent(db, { capacity: 5 });
		const [v, w] = await Promise.all([addVolunteer(db, '110118101', 'Zhang San'), addVolunteer(db)]);
		const reg = await as(db, v!, (tx) => register(tx, eventId));
		const waiting = await as(db, w!, (tx) => register(tx, eventId));
		if (!reg.ok || !waiting.ok) throw new Error('sign-up failed');

		// Not an organiser of this township: the code is unknown to them.
		expect(await as(db, otherTownStaff, (tx) => checkIn(tx, eventId, reg.code, otherTownStaff.sub!))).toEqual({ ok: false, problem: 'unknown' });
		expect(await as(db, fireHandler, (tx) => checkIn(tx, eventId, reg.code, fireHandler.sub!))).toEqual({ ok: false, problem: 'unknown' });
		// The volunteer cannot check themselves in.
		expect(await as(db, v!, (tx) => checkIn(tx, eventId, reg.code, v!.sub))).toEqual({ ok: false, problem: 'unknown' });
		// The code of one event does not work at another.
		expect(await as(db, townStaff, (tx) => checkIn(tx, otherEvent, reg.code, townStaff.sub!))).toEqual({ ok: false, problem: 'unknown' });

		const typed = `${reg.code.slice(0, 4).toLowerCase()} ${reg.code.slice(4)}`;
		expect(await as(db, townStaff, (tx) => checkIn(tx, eventId, typed, townStaff.sub!))).toEqual({ ok: true, id: reg.id, name: 'Zhang San' });
		expect(await as(db, townStaff, (tx) => checkIn(tx, eventId, reg.code, townStaff.sub!))).toEqual({ ok: false, problem: 'already' });
		expect(await as(db, admin, (tx) => checkIn(tx, eventId, waiting.code, admin.sub!))).toEqual({ ok: false, problem: 'not_confirmed' });

		await asService(db, (tx) => tx.query(`update public.volunteer_registrations set checked_in_at = now() - interval '3 hours 10 minutes' where id = $1`, [reg.id]));
		expect(await as(db, otherTownStaff, (tx) => checkOut(tx, reg.id))).toBe(false);
		expect(await as(db, townStaff, (tx) => checkOut(tx, reg.id))).toBe(true);
		expect(await as(db, townStaff, (tx) => checkOut(tx, reg.id))).toBe(false);
		const profile = await as(db, v!, (tx) => people.profile(tx, v!.sub));
		expect(Number(profile!.hours)).toBe(3.25);
	});

	it('shows a volunteer’s phone only to the volunteer and the organisers', async () => {
		const eventId = await addEvent(db, { town: '110118103' });
		const [v, other] = await Promise.all([addVolunteer(db, '110118104'), addVolunteer(db, '110118104')]);
		await as(db, v!, (tx) => register(tx, eventId));
		const phonesSeenBy = async (claims: Claims) =>
			(await as(db, claims, (tx) => tx.query<{ phone: string }>('select phone from public.volunteers where user_id = $1', [v!.sub]))).map((r) => r.phone);

		expect(await phonesSeenBy(v!)).toEqual([v!.phone]);
		expect(await phonesSeenBy(admin)).toEqual([v!.phone]);
		expect(await phonesSeenBy(other!)).toEqual([]);
		expect(await phonesSeenBy(otherTownStaff)).toEqual([]);
		expect(await phonesSeenBy(fireHandler)).toEqual([]);
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select phone from public.volunteers')))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select * from public.volunteer_registrations')))).toBe('42501');

		// The staff of the event's township see who signed up, with phones; other staff nothing.
		const eventTown = (await addStaff(db, { email: 't103@v.test', password: 'correct horse battery', role: 'handler', townCode: '110118103' })).userId;
		const organiser = { role: 'authenticated' as const, sub: eventTown };
		expect((await as(db, organiser, (tx) => attendees(tx, eventId))).map((a) => a.phone)).toEqual([v!.phone]);
		expect(await as(db, otherTownStaff, (tx) => attendees(tx, eventId))).toEqual([]);
		expect(await as(db, other!, (tx) => attendees(tx, eventId))).toEqual([]);

		// A volunteer edits their profile but not their phone, and nobody else's.
		expect(await sqlState(as(db, v!, (tx) => tx.query(`update public.volunteers set phone = '13800000000' where user_id = $1`, [v!.sub])))).toBe('42501');
		expect(await as(db, other!, (tx) => tx.query(`update public.volunteers set name = 'x' where user_id = $1 returning 1`, [v!.sub]))).toEqual([]);
		// Registrations are written only by the sign-up functions.
		expect(
			await sqlState(as(db, v!, (tx) => tx.query(`insert into public.volunteer_registrations (event_id, volunteer_id, status, code) values ($1, $2, 'confirmed', 'ABCDEFGH')`, [eventId, v!.sub])))
		).toBe('42501');
		expect(await sqlState(as(db, v!, (tx) => tx.query(`update public.volunteer_registrations set status = 'confirmed'`)))).toBe('42501');
	});

	it('shows published events to everyone and drafts to organisers only', async () => {
		const draft = await addEvent(db, { status: 'draft', town: '110118105' });
		const open = await addEvent(db, { town: '110118105' });
		const visible = async (claims: Claims) => (await as(db, claims, (tx) => events.all(tx))).map((e) => e.id);
		expect(await visible(ANON_CLAIMS)).toContain(open);
		expect(await visible(ANON_CLAIMS)).not.toContain(draft);
		expect(await visible(otherTownStaff)).not.toContain(draft);
		expect(await visible(admin)).toContain(draft);
		// Only organisers change an event.
		expect(await as(db, otherTownStaff, (tx) => events.setStatus(tx, draft, 'open'))).toBe(false);
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => events.setStatus(tx, draft, 'open')))).toBe('42501');
		expect(await as(db, admin, (tx) => events.setStatus(tx, draft, 'open'))).toBe(true);
		expect(await visible(ANON_CLAIMS)).toContain(draft);
		// Organisers create events only in their own township.
		const form = new FormData();
		for (const [k, v] of Object.entries({ kind: 'training', topic: 'first_aid', title_zh: '急救', title_en: 'First aid', town_code: '110118102', place: 'Hall', starts_at: '2030-05-01T09:00', ends_at: '2030-05-01T12:00', signup_deadline: '2030-04-30T18:00', capacity: '30' })) form.set(k, v);
		const parsed = events.parseEvent(form);
		expect(parsed.errors).toEqual({});
		expect(await as(db, townStaff, (tx) => events.create(tx, parsed, townStaff.sub!, null))).toBeNull();
		const id = await as(db, otherTownStaff, (tx) => events.create(tx, parsed, otherTownStaff.sub!, null));
		const created = await as(db, otherTownStaff, (tx) => events.get(tx, id!));
		expect(created).toMatchObject({ status: 'draft', capacity: 30, town_code: '110118102' });
		expect(created!.starts_at.toISOString()).toBe('2030-05-01T01:00:00.000Z');
	});

	it('the console form takes the venue in English too (optional), and SQL refuses what the form would', async () => {
		const base = { kind: 'training', topic: 'first_aid', title_zh: '急救', title_en: 'First aid', town_code: '110118102', place: '石城镇观摩区', starts_at: '2030-06-01T09:00', ends_at: '2030-06-01T12:00', signup_deadline: '2030-05-31T18:00', capacity: '30' };
		const make = async (extra: Record<string, string>) => {
			const form = new FormData();
			for (const [k, v] of Object.entries({ ...base, ...extra })) form.set(k, v);
			const parsed = events.parseEvent(form);
			if (!parsed.event) return parsed.errors;
			const id = await as(db, otherTownStaff, (tx) => events.create(tx, parsed, otherTownStaff.sub!, null));
			return (await as(db, otherTownStaff, (tx) => events.get(tx, id!)))!.place_en;
		};
		expect(await make({ place_en: '  Shicheng Town viewing area ' })).toBe('Shicheng Town viewing area');
		expect(await make({})).toBeNull();
		expect(await make({ place_en: '   ' })).toBeNull();
		expect(await make({ place_en: 'x'.repeat(201) })).toEqual({ place_en: 'errors.too_long' });
		// A day the calendar has not is refused at its field, not read as the next month's (outside tester, 2026-12-05).
		expect(await make({ starts_at: '2031-02-30T09:00', ends_at: '2031-02-30T12:00', signup_deadline: '2031-02-27T18:00' })).toMatchObject({ starts_at: 'volunteer.errors.date' });
		// straight to the database: the same limits, and no control characters or blank venue
		const id = await addEvent(db, { town: '110118102' });
		const direct = (value: string) => sqlState(as(db, otherTownStaff, (tx) => tx.query('update public.volunteer_events set place_en = $2 where id = $1', [id, value])));
		expect(await direct('x'.repeat(201))).toBe('23514');
		expect(await direct('Hall\u001b[31m')).toBe('23514');
		expect(await direct('  ')).toBe('23514');
		expect(await direct('Town hall')).toBeNull();
	});

	it('counts figures per township for staff only', async () => {
		const year = new Date().getFullYear();
		const training = await addEvent(db, { kind: 'training', town: '110118106', startsInHours: -3 });
		const v = await addVolunteer(db, '110118106');
		await asService(db, (tx) =>
			tx.query(`insert into public.volunteer_registrations (event_id, volunteer_id, status, code, checked_in_at) values ($1, $2, 'confirmed', 'TTTTTTTT', now() - interval '2 hours')`, [training, v.sub])
		);
		const team = await as(db, otherTownStaff, (tx) => people.addTeam(tx, '110118102', 'Team A'));
		// Organisers put volunteers in their own teams, by phone; nobody else can.
		const member = await addVolunteer(db, '110118102', 'Leader Li');
		await as(db, member, (tx) => tx.query('update public.volunteers set team_consent = true where user_id = auth.uid()'));
		expect(await as(db, otherTownStaff, (tx) => people.joinTeam(tx, team!, member.phone, true))).toEqual({ ok: true, name: 'Leader Li' });
		expect(await as(db, townStaff, (tx) => people.joinTeam(tx, team!, member.phone, false))).toEqual({ ok: false, problem: 'not_organiser' });
		expect(await as(db, member, (tx) => people.joinTeam(tx, team!, member.phone, true))).toEqual({ ok: false, problem: 'not_organiser' });
		expect(await as(db, otherTownStaff, (tx) => people.joinTeam(tx, team!, '13000000000', false))).toEqual({ ok: false, problem: 'no_volunteer' });
		const listed = (await as(db, otherTownStaff, (tx) => people.teams(tx))).find((x) => x.id === team);
		expect(listed).toMatchObject({ leader_name: 'Leader Li', members: 1 });
		// The public sees the team, and other staff not who leads it.
		expect(await as(db, ANON_CLAIMS, (tx) => tx.query('select name from public.volunteer_teams where id = $1', [team]))).toEqual([{ name: 'Team A' }]);
		expect((await as(db, fireHandler, (tx) => people.teams(tx))).find((x) => x.id === team)).toMatchObject({ leader_name: null, members: 0 });
		expect(await as(db, otherTownStaff, (tx) => people.addTeam(tx, '110118106', 'Not mine'))).toBeNull();
		const rows = await as(db, townStaff, (tx) => people.figures(tx, year));
		expect(rows).toHaveLength(21);
		// The event was made three hours ago relative to now; the year is Beijing's.
		expect(rows.find((r) => r.town_code === '110118106')).toMatchObject({ active_volunteers: 1, people_trained: 1 });
		expect(rows.find((r) => r.town_code === '110118102')).toMatchObject({ teams: 1 });
		expect(await as(db, v, (tx) => people.figures(tx, year))).toEqual([]);
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => people.figures(tx, year)))).toBe('42501');
	});
});
