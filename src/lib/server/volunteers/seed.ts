/**
 * Demo events and teams for the embedded default only (called from seedDemo). Runs
 * once: nothing is added when any event exists.
 */
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import demo from './demo-events.json' with { type: 'json' };

const DAY = 24 * 3600_000;

/** Midnight in Beijing today, plus days and hours. */
function beijing(now: Date, days: number, hour: number): Date {
	const midnight = Math.floor((now.getTime() + 8 * 3600_000) / DAY) * DAY - 8 * 3600_000;
	return new Date(midnight + days * DAY + hour * 3600_000);
}

export async function seedVolunteerDemo(db: Database, now = new Date()): Promise<boolean> {
	return asService(db, async (tx) => {
		const [any] = await tx.query('select 1 from public.volunteer_events limit 1');
		if (any) return false;
		for (const e of demo.events) {
			const starts = beijing(now, e.days, e.hour);
			await tx.query(
				`insert into public.volunteer_events (kind, topic, title_zh, title_en, description_zh, description_en, town_code, place, place_en,
				   location, starts_at, ends_at, capacity, signup_deadline, min_age, requirements_zh, requirements_en, status)
				 values ($1, $2, $3, $4, $5, $6, $7, $8, $18, extensions.st_setsrid(extensions.st_makepoint($9, $10), 4326),
				   $11, $12, $13, $14, $15, $16, $17, 'open')`,
				[e.kind, e.topic, e.title_zh, e.title_en, e.description_zh, e.description_en, e.town_code, e.place, e.lon, e.lat,
					starts, new Date(starts.getTime() + e.hours * 3600_000), e.capacity, new Date(starts.getTime() - DAY / 2), e.min_age,
					e.requirements_zh, e.requirements_en, e.place_en ?? null]
			);
		}
		for (const t of demo.teams) {
			await tx.query('insert into public.volunteer_teams (town_code, name) values ($1, $2) on conflict do nothing', [t.town_code, t.name]);
		}
		return true;
	});
}
