/**
 * Sign-up, cancel and waitlist promotion happen in the database (app.volunteer_register,
 * app.volunteer_cancel), under a lock on the event row; check-in and check-out are
 * organisers' updates, allowed by RLS.
 */
import type { RegistrationStatus } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { UUID } from './events';

export type SignUpProblem = 'profile' | 'not_found' | 'closed' | 'deadline' | 'duplicate' | 'started';

/** The reason a database function gave (its HINT), for the message the person sees. */
function problemOf(error: unknown): SignUpProblem | null {
	const e = error as { hint?: string; code?: string };
	const hint = e.hint as SignUpProblem | undefined;
	if (hint && ['profile', 'not_found', 'closed', 'deadline', 'duplicate', 'started'].includes(hint)) return hint;
	// A racing duplicate that got past the check meets the unique index.
	if (e.code === '23505') return 'duplicate';
	return null;
}

export type SignUp = { ok: true; id: string; status: RegistrationStatus; code: string } | { ok: false; problem: SignUpProblem };

export async function register(tx: Queryable, eventId: string): Promise<SignUp> {
	if (!UUID.test(eventId)) return { ok: false, problem: 'not_found' };
	try {
		const [row] = await tx.query<{ id: string; status: RegistrationStatus; code: string }>(
			'select id, status, code from app.volunteer_register($1)',
			[eventId]
		);
		return { ok: true, ...row! };
	} catch (error) {
		const problem = problemOf(error);
		if (!problem) throw error;
		return { ok: false, problem };
	}
}

export type Cancel = { ok: true; promoted: string | null } | { ok: false; problem: SignUpProblem };

export async function cancel(tx: Queryable, registrationId: string): Promise<Cancel> {
	if (!UUID.test(registrationId)) return { ok: false, problem: 'not_found' };
	try {
		const rows = await tx.query<{ promoted: string }>('select promoted from app.volunteer_cancel($1)', [registrationId]);
		return { ok: true, promoted: rows[0]?.promoted ?? null };
	} catch (error) {
		const problem = problemOf(error);
		if (!problem) throw error;
		return { ok: false, problem };
	}
}

export type MyRegistration = {
	id: string;
	event_id: string;
	status: RegistrationStatus;
	code: string;
	waitlist_place: number | null;
	checked_in_at: Date | null;
	checked_out_at: Date | null;
	hours: string | null;
	title_zh: string;
	title_en: string;
	kind: string;
	starts_at: Date;
	ends_at: Date;
	place: string;
	place_en: string | null;
};

const MINE = `
  select r.id, r.event_id, r.status, r.code, r.checked_in_at, r.checked_out_at, r.hours,
         case when r.status = 'waitlisted' then (
           select count(*)::int from public.volunteer_registrations w
            where w.event_id = r.event_id and w.status = 'waitlisted' and (w.queued_at, w.id) <= (r.queued_at, r.id)) end as waitlist_place,
         e.title_zh, e.title_en, e.kind, e.starts_at, e.ends_at, e.place, e.place_en
    from public.volunteer_registrations r join public.volunteer_events e on e.id = r.event_id`;

/** The caller's own registrations (RLS: a volunteer sees only theirs). */
export function mine(tx: Queryable, volunteerId: string): Promise<MyRegistration[]> {
	return tx.query<MyRegistration>(`${MINE} where r.volunteer_id = $1 order by e.starts_at desc`, [volunteerId]);
}

export async function one(tx: Queryable, id: string): Promise<(MyRegistration & { volunteer_id: string; name: string | null }) | null> {
	if (!UUID.test(id)) return null;
	const [row] = await tx.query<MyRegistration & { volunteer_id: string; name: string | null }>(
		`select m.*, r.volunteer_id, v.name from (${MINE} where r.id = $1) m
		   join public.volunteer_registrations r on r.id = m.id
		   left join public.volunteers v on v.user_id = r.volunteer_id`,
		[id]
	);
	return row ?? null;
}

export type Attendee = {
	id: string;
	status: RegistrationStatus;
	code: string;
	name: string | null;
	phone: string | null;
	town_code: string | null;
	created_at: Date;
	checked_in_at: Date | null;
	checked_out_at: Date | null;
	hours: string | null;
};

/** Everyone signed up for an event, for its organisers (RLS returns nothing to others). */
export function attendees(tx: Queryable, eventId: string): Promise<Attendee[]> {
	return tx.query<Attendee>(
		`select r.id, r.status, r.code, v.name, v.phone, v.town_code, r.created_at, r.checked_in_at, r.checked_out_at, r.hours
		   from public.volunteer_registrations r left join public.volunteers v on v.user_id = r.volunteer_id
		  where r.event_id = $1
		  order by case r.status when 'confirmed' then 0 when 'waitlisted' then 1 else 2 end, r.queued_at, r.id`,
		[eventId]
	);
}

export type CheckIn = { ok: true; id: string; name: string | null } | { ok: false; problem: 'unknown' | 'already' | 'not_confirmed' };

/** Normalises what staff type: case, spaces and dashes do not matter. */
export function normaliseCode(input: string): string {
	return input.toUpperCase().replace(/[\s-]/g, '');
}

/** Checks in the registration with this code at this event — once. */
export async function checkIn(tx: Queryable, eventId: string, code: string, staffId: string): Promise<CheckIn> {
	const normal = normaliseCode(code);
	if (!UUID.test(eventId) || !/^[2-9A-HJ-NP-Z]{8}$/.test(normal)) return { ok: false, problem: 'unknown' };
	const [done] = await tx.query<{ id: string; volunteer_id: string }>(
		`update public.volunteer_registrations set checked_in_at = now(), checked_in_by = $3
		  where event_id = $1 and code = $2 and status = 'confirmed' and checked_in_at is null
		  returning id, volunteer_id`,
		[eventId, normal, staffId]
	);
	if (done) {
		const [v] = await tx.query<{ name: string | null }>('select name from public.volunteers where user_id = $1', [done.volunteer_id]);
		return { ok: true, id: done.id, name: v?.name ?? null };
	}
	const [found] = await tx.query<{ status: RegistrationStatus; checked_in_at: Date | null }>(
		`select status, checked_in_at from public.volunteer_registrations
		  where event_id = $1 and code = $2 and app.organises_event(event_id)`,
		[eventId, normal]
	);
	if (!found) return { ok: false, problem: 'unknown' };
	return { ok: false, problem: found.checked_in_at ? 'already' : 'not_confirmed' };
}

/** Checks out and records the hours served (time on site, to a quarter hour). */
export async function checkOut(tx: Queryable, registrationId: string): Promise<boolean> {
	if (!UUID.test(registrationId)) return false;
	const rows = await tx.query(
		`update public.volunteer_registrations
		    set checked_out_at = now(),
		        hours = round(extract(epoch from now() - checked_in_at) / 900) / 4
		  where id = $1 and checked_in_at is not null and checked_out_at is null returning id`,
		[registrationId]
	);
	return rows.length === 1;
}
