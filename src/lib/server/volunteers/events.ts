/**
 * Volunteer events: drills, training and public-observation drills. Public once out of
 * draft; organisers (admins, the township's staff, the organising department's staff)
 * create and change them — RLS decides, these verbs only shape the data.
 */
import { VolunteerEventKindValues, VolunteerEventStatusValues, type Tables, type VolunteerEventKind, type VolunteerEventStatus } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { withTownNames } from '../district';
import { fromBeijingInput } from '../../time';

export const TOPICS: Record<VolunteerEventKind, readonly string[]> = {
	drill: ['evacuation', 'flash_flood', 'reservoir_release', 'forest_fire', 'earthquake', 'hazmat', 'high_rise_fire'],
	training: ['first_aid', 'fire_extinguisher', 'flood_rescue', 'search_rescue'],
	observation: ['evacuation', 'flash_flood', 'reservoir_release', 'forest_fire', 'earthquake', 'hazmat', 'high_rise_fire']
};

type EventTable = Tables['volunteer_events'];
export type EventRow = Omit<EventTable, 'location' | 'created_by' | 'created_at' | 'updated_at'> & {
	town_zh: string;
	town_en: string;
	lat: number | null;
	lon: number | null;
	confirmed: number;
	waitlisted: number;
};

const SELECT = `
  select e.id, e.kind, e.topic, e.title_zh, e.title_en, e.description_zh, e.description_en, e.town_code, e.place, e.place_en,
         extensions.st_y(e.location) as lat, extensions.st_x(e.location) as lon,
         e.starts_at, e.ends_at, e.capacity, e.signup_deadline, e.min_age, e.requirements_zh, e.requirements_en,
         e.organiser_department, e.status, s.confirmed, s.waitlisted
    from public.volunteer_events e
    cross join lateral app.event_seats(e.id) s`;

/** The township's names come from the district module, not a join. */
type EventFact = Omit<EventRow, 'town_zh' | 'town_en'>;
async function named(tx: Queryable, rows: EventFact[]): Promise<EventRow[]> {
	return (await withTownNames(tx, rows)).map((r) => ({ ...r, town_zh: r.town_zh ?? r.town_code, town_en: r.town_en ?? r.town_code }));
}

export type EventFilter = { town?: string | null; kind?: string | null };

/** Published events that have not ended, soonest first. */
export async function upcoming(tx: Queryable, filter: EventFilter = {}): Promise<EventRow[]> {
	const rows = await tx.query<EventFact>(
		`${SELECT}
		  where e.status in ('open', 'full') and e.ends_at > now()
		    and ($1::text is null or e.town_code = $1) and ($2::text is null or e.kind::text = $2)
		  order by e.starts_at, e.id limit 200`,
		[filter.town || null, filter.kind || null]
	);
	return named(tx, rows);
}

/** Every event the caller may see (organisers: their drafts too), newest first. */
export async function all(tx: Queryable): Promise<EventRow[]> {
	return named(tx, await tx.query<EventFact>(`${SELECT} order by e.starts_at desc, e.id limit 500`));
}

export async function get(tx: Queryable, id: string): Promise<EventRow | null> {
	if (!UUID.test(id)) return null;
	const rows = await tx.query<EventFact>(`${SELECT} where e.id = $1`, [id]);
	return (await named(tx, rows))[0] ?? null;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function mayOrganise(tx: Queryable, id: string): Promise<boolean> {
	const [row] = await tx.query<{ may: boolean }>('select app.organises_event($1) as may', [id]);
	return row?.may ?? false;
}

const INPUT_FIELDS = ['kind', 'topic', 'title_zh', 'title_en', 'description_zh', 'description_en', 'town_code', 'place', 'place_en', 'lat', 'lon',
	'starts_at', 'ends_at', 'signup_deadline', 'capacity', 'min_age', 'requirements_zh', 'requirements_en'] as const;
/** The form as typed, every field a string. */
export type EventInput = Record<(typeof INPUT_FIELDS)[number], string>;

const TEXT_LIMITS: Partial<Record<keyof EventInput, number>> = {
	title_zh: 120,
	title_en: 200,
	description_zh: 4000,
	description_en: 8000,
	place: 200,
	place_en: 200,
	requirements_zh: 1000,
	requirements_en: 2000
};


export type ParsedEvent = {
	values: EventInput;
	errors: Partial<Record<keyof EventInput, string>>;
	event: {
		kind: VolunteerEventKind;
		starts: Date;
		ends: Date;
		deadline: Date;
		capacity: number;
		minAge: number | null;
		lat: number | null;
		lon: number | null;
	} | null;
};

export function parseEvent(form: FormData): ParsedEvent {
	const field = (name: keyof EventInput) => String(form.get(name) ?? '').trim();
	const values = Object.fromEntries(INPUT_FIELDS.map((k) => [k, field(k)])) as EventInput;
	const errors: ParsedEvent['errors'] = {};
	const kind = (VolunteerEventKindValues as readonly string[]).includes(values.kind) ? (values.kind as VolunteerEventKind) : null;
	if (!kind) errors.kind = 'errors.required';
	else if (!TOPICS[kind].includes(values.topic)) errors.topic = 'errors.required';
	for (const name of ['title_zh', 'title_en', 'town_code', 'place'] as const) if (!values[name]) errors[name] = 'errors.required';
	for (const [name, max] of Object.entries(TEXT_LIMITS) as [keyof EventInput, number][]) {
		if (values[name].length > max) errors[name] = 'errors.too_long';
	}
	const starts = fromBeijingInput(values.starts_at);
	const ends = fromBeijingInput(values.ends_at);
	const deadline = fromBeijingInput(values.signup_deadline);
	if (!starts) errors.starts_at = 'volunteer.errors.date';
	if (!ends) errors.ends_at = 'volunteer.errors.date';
	else if (starts && ends <= starts) errors.ends_at = 'volunteer.errors.ends_before_start';
	if (!deadline) errors.signup_deadline = 'volunteer.errors.date';
	else if (starts && deadline > starts) errors.signup_deadline = 'volunteer.errors.deadline_after_start';
	const capacity = Number(values.capacity);
	if (!Number.isInteger(capacity) || capacity < 1 || capacity > 10000) errors.capacity = 'volunteer.errors.capacity';
	const minAge = values.min_age ? Number(values.min_age) : null;
	if (minAge !== null && (!Number.isInteger(minAge) || minAge < 0 || minAge > 100)) errors.min_age = 'volunteer.errors.age';
	const lat = values.lat ? Number(values.lat) : null;
	const lon = values.lon ? Number(values.lon) : null;
	if ((lat === null) !== (lon === null) || (lat !== null && !(lat >= 40 && lat <= 41)) || (lon !== null && !(lon >= 116.5 && lon <= 117.6))) {
		errors.lat = 'volunteer.errors.location';
	}
	const ok = Object.keys(errors).length === 0;
	return {
		values,
		errors,
		event: ok ? { kind: kind!, starts: starts!, ends: ends!, deadline: deadline!, capacity, minAge, lat, lon } : null
	};
}

/** Creates the event as a draft; returns its id, or null when the caller may not organise that township. */
export async function create(tx: Queryable, parsed: ParsedEvent, createdBy: string, department: string | null): Promise<string | null> {
	const v = parsed.values;
	const e = parsed.event!;
	const [allowed] = await tx.query<{ may: boolean }>('select app.organises($1, $2) as may', [v.town_code, department]);
	if (!allowed?.may) return null;
	const [row] = await tx.query<{ id: string }>(
		`insert into public.volunteer_events (kind, topic, title_zh, title_en, description_zh, description_en, town_code, place,
		   location, starts_at, ends_at, capacity, signup_deadline, min_age, requirements_zh, requirements_en, organiser_department, created_by, place_en)
		 values ($1, $2, $3, $4, $5, $6, $7, $8,
		   case when $9::float8 is null then null else extensions.st_setsrid(extensions.st_makepoint($10::float8, $9::float8), 4326) end,
		   $11, $12, $13, $14, $15, $16, $17, $18, $19, nullif($20, '')) returning id`,
		[e.kind, v.topic, v.title_zh, v.title_en, v.description_zh, v.description_en, v.town_code, v.place,
			e.lat, e.lon, e.starts, e.ends, e.capacity, e.deadline, e.minAge, v.requirements_zh, v.requirements_en, department, createdBy, v.place_en]
	);
	return row!.id;
}

/** Organisers publish, cancel or close an event ('full' is the database's own doing). */
export async function setStatus(tx: Queryable, id: string, status: VolunteerEventStatus): Promise<boolean> {
	if (!VolunteerEventStatusValues.includes(status) || status === 'full') return false;
	const rows = await tx.query(
		`update public.volunteer_events set status = case
		   when $2 = 'open' and (select confirmed from app.event_seats(id)) >= capacity then 'full'::public.volunteer_event_status
		   else $2::public.volunteer_event_status end
		 where id = $1 returning id`,
		[id, status]
	);
	return rows.length === 1;
}
