/** Shared set-up for the volunteer suites: people and events made directly as service_role. */
import { asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';

let counter = 0;

/** A volunteer with a complete profile; returns the claims their requests run under. */
export async function addVolunteer(db: Database, town = '110118101', name = `V${++counter}`): Promise<Claims & { sub: string; phone: string }> {
	const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
	const id = await asService(db, async (tx) => {
		const [user] = await tx.query<{ id: string }>(`insert into auth.users default values returning id`);
		await tx.query('insert into public.volunteers (user_id, phone, name, town_code) values ($1, $2, $3, $4)', [user!.id, phone, name, town]);
		return user!.id;
	});
	return { role: 'authenticated', sub: id, phone };
}

export type EventSpec = { capacity?: number; startsInHours?: number; deadlineInHours?: number; status?: string; town?: string; kind?: string; department?: string | null };

export async function addEvent(db: Database, spec: EventSpec = {}): Promise<string> {
	const starts = spec.startsInHours ?? 72;
	const [row] = await asService(db, (tx) =>
		tx.query<{ id: string }>(
			`insert into public.volunteer_events (kind, topic, title_zh, title_en, town_code, place, starts_at, ends_at, capacity, signup_deadline, status, organiser_department)
			 values ($1::public.volunteer_event_kind, 'evacuation', 'test', 'test', $2, 'square',
			   now() + make_interval(hours => $3), now() + make_interval(hours => $3 + 2), $4,
			   now() + make_interval(hours => $5), $6::public.volunteer_event_status, $7) returning id`,
			[spec.kind ?? 'drill', spec.town ?? '110118101', starts, spec.capacity ?? 10, spec.deadlineInHours ?? starts - 1, spec.status ?? 'open', spec.department ?? null]
		)
	);
	return row!.id;
}
