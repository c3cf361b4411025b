/**
 * Evacuation during a warning: who is to be moved now (public.evacuation_now, which the
 * roll's RLS filters), the marks staff make, and the picture per township and village.
 * A mark is appended, never edited; the latest made wins and all stay in the history.
 */
import { EvacStatusValues, type EvacStatus, type EvacVulnerability, type HazardCode, type WarningLevel } from '../../db-types.gen';
import { toCsv } from '../csv';
import type { Queryable } from '../db/port';

/** How a status was reached; the database checks the same pairs (evac_marks_how). */
export const HOW: Record<EvacStatus, readonly string[]> = {
	notified: ['phone', 'visit', 'broadcast'],
	moved: ['shelter', 'relatives', 'elsewhere'],
	refused: [],
	unreachable: []
};

export type ToMove = {
	household_id: string;
	town_code: string;
	town_zh: string;
	town_en: string;
	village_code: string;
	village_zh: string;
	village_en: string;
	head_name: string;
	phone: string | null;
	address: string | null;
	people: number;
	vulnerable: EvacVulnerability[];
	shelter_id: string | null;
	refuge_zh: string | null;
	refuge_en: string | null;
	refuge_note: string | null;
	cadre_name: string;
	cadre_phone: string;
	demo: boolean;
	warning_thread: string;
	warning_hazard: HazardCode;
	warning_level: WarningLevel;
	status: EvacStatus | null;
	how: string | null;
	moved_to_zh: string | null;
	moved_to_en: string | null;
	marked_at: string | null;
	marked_by_name: string | null;
	marks: number;
};

/** The households to move now, vulnerable ones first within each cadre's group. */
export async function toMove(tx: Queryable): Promise<ToMove[]> {
	const rows = await tx.query<ToMove>(
		`select e.household_id, e.town_code, t.name_zh as town_zh, t.name_en as town_en, e.village_code, v.name_zh as village_zh,
		        v.name_en as village_en, e.head_name, e.phone, e.address, e.people, e.vulnerable::text[] as vulnerable, e.shelter_id,
		        r.name_zh as refuge_zh, r.name_en as refuge_en, e.refuge_note, e.cadre_name, e.cadre_phone, e.demo, e.warning_thread,
		        e.warning_hazard, e.warning_level, e.status, e.how, m.name_zh as moved_to_zh, m.name_en as moved_to_en,
		        e.marked_at, e.marked_by_name, e.marks
		   from public.evacuation_now() e
		   join public.towns t on t.code = e.town_code
		   join public.villages v on v.code = e.village_code
		   left join public.shelters r on r.id = e.shelter_id
		   left join public.shelters m on m.id = e.moved_to
		  order by e.town_code, e.cadre_name collate "C", e.cadre_phone, cardinality(e.vulnerable) = 0, e.village_code, e.head_name collate "C", e.household_id`
	);
	return rows.map((r) => ({ ...r, marked_at: r.marked_at ? new Date(r.marked_at).toISOString() : null }));
}

export type ShelterChoice = { id: string; town_code: string | null; name_zh: string; name_en: string; capacity: number; occupancy: number };

/** Shelters a household of these townships may be moved to: open ones in the townships first, then the rest. */
export function sheltersFor(tx: Queryable, towns: string[]): Promise<ShelterChoice[]> {
	if (towns.length === 0) return Promise.resolve([]);
	return tx.query<ShelterChoice>(
		`select s.id, s.town_code, s.name_zh, s.name_en, s.capacity, s.occupancy from public.shelters s
		  where s.retired_at is null and s.status <> 'closed'
		  order by s.town_code = any($1::text[]) desc, s.town_code, s.name_zh collate "C" limit 200`,
		[towns]
	);
}

export type Group = { cadre_name: string; cadre_phone: string; households: ToMove[] };

/** Grouped by cadre (包户干部): each cadre's households, vulnerable first (toMove's order). */
export function byCadre(rows: readonly ToMove[]): Group[] {
	const groups = new Map<string, Group>();
	for (const r of rows) {
		const key = `${r.town_code}\u0000${r.cadre_name}\u0000${r.cadre_phone}`;
		let g = groups.get(key);
		if (!g) groups.set(key, (g = { cadre_name: r.cadre_name, cadre_phone: r.cadre_phone, households: [] }));
		g.households.push(r);
	}
	return [...groups.values()];
}

export type MarkInput = {
	key: string;
	household: string;
	thread: string;
	status: EvacStatus;
	how: string | null;
	shelter: string | null;
	markedAt: string | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads a mark sent by a form or the device's queue; names the first wrong field. */
export function parseMark(input: Record<string, unknown>): { mark: MarkInput } | { error: string } {
	const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string).trim() : '');
	const key = str('key');
	const household = str('household');
	const thread = str('thread');
	const status = str('status') as EvacStatus;
	const how = str('how') || null;
	const shelter = str('shelter') || null;
	const markedAt = str('marked_at') || null;
	if (!UUID.test(key)) return { error: 'key: a UUID (the idempotency key)' };
	if (!UUID.test(household)) return { error: 'household: a UUID' };
	if (!UUID.test(thread)) return { error: 'thread: a UUID' };
	if (!(EvacStatusValues as readonly string[]).includes(status)) return { error: `status: one of ${EvacStatusValues.join(', ')}` };
	const allowed = HOW[status];
	if (allowed.length ? !how || !allowed.includes(how) : how !== null) {
		return { error: allowed.length ? `how: one of ${allowed.join(', ')}` : `how: none for ${status}` };
	}
	if ((status === 'moved' && how === 'shelter') !== (shelter !== null)) return { error: 'shelter: required for moved to a shelter, and only then' };
	if (shelter && !UUID.test(shelter)) return { error: 'shelter: a UUID' };
	if (markedAt && (Number.isNaN(Date.parse(markedAt)) || markedAt.length > 40)) return { error: 'marked_at: an ISO 8601 time' };
	return { mark: { key: key.toLowerCase(), household, thread, status, how, shelter, markedAt } };
}

export type MarkResult = 'recorded' | 'duplicate' | 'forbidden';

/**
 * Appends a mark. The device's key makes it exactly-once: the same key again is a
 * duplicate (nothing written, success for the queue). A household the caller may not
 * keep is `forbidden` — RLS refuses the row.
 */
export async function mark(tx: Queryable, m: MarkInput): Promise<MarkResult> {
	const [visible] = await tx.query('select 1 from public.evac_households where id = $1', [m.household]);
	if (!visible) return 'forbidden';
	const inserted = await tx.query(
		`insert into public.evac_marks (idempotency_key, household_id, warning_thread, status, how, shelter_id, marked_at)
		 values ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()))
		 on conflict (idempotency_key) do nothing returning id`,
		[m.key, m.household, m.thread, m.status, m.how, m.shelter, m.markedAt]
	);
	return inserted.length ? 'recorded' : 'duplicate';
}

export type HistoryEntry = { status: EvacStatus; how: string | null; shelter_zh: string | null; shelter_en: string | null; marked_at: string; marked_by_name: string | null };

/** Every mark on a household, newest first. */
export function history(tx: Queryable, household: string): Promise<HistoryEntry[]> {
	return tx.query<HistoryEntry>(
		`select m.status, m.how, s.name_zh as shelter_zh, s.name_en as shelter_en, m.marked_at, m.marked_by_name
		   from public.evac_marks m left join public.shelters s on s.id = m.shelter_id
		  where m.household_id = $1 order by m.marked_at desc, m.recorded_at desc`,
		[household]
	);
}

export type Counts = { households: number; to_notify: number; notified: number; moved: number; refused: number; unreachable: number; people: number; people_moved: number };
export type VillageCounts = Counts & { town_code: string; town_zh: string; town_en: string; village_code: string; village_zh: string; village_en: string; cadres: { name: string; phone: string }[] };
export type TownCounts = Counts & { town_code: string; town_zh: string; town_en: string; villages: VillageCounts[] };

const zero = (): Counts => ({ households: 0, to_notify: 0, notified: 0, moved: 0, refused: 0, unreachable: 0, people: 0, people_moved: 0 });

function add(c: Counts, r: ToMove) {
	c.households++;
	c.people += r.people;
	if (r.status === null) c.to_notify++;
	else c[r.status]++;
	if (r.status === 'moved') c.people_moved += r.people;
}

/** The share not yet settled (to notify or unreachable): villages that lag come first. */
export const lag = (c: Counts) => (c.households ? (c.to_notify + c.unreachable) / c.households : 0);

/** Counts per township and village; lagging villages (and townships) first. */
export function picture(rows: readonly ToMove[]): TownCounts[] {
	const towns = new Map<string, TownCounts>();
	const villages = new Map<string, VillageCounts>();
	for (const r of rows) {
		let t = towns.get(r.town_code);
		if (!t) towns.set(r.town_code, (t = { ...zero(), town_code: r.town_code, town_zh: r.town_zh, town_en: r.town_en, villages: [] }));
		let v = villages.get(r.village_code);
		if (!v) {
			v = { ...zero(), town_code: r.town_code, town_zh: r.town_zh, town_en: r.town_en, village_code: r.village_code, village_zh: r.village_zh, village_en: r.village_en, cadres: [] };
			villages.set(r.village_code, v);
			t.villages.push(v);
		}
		add(t, r);
		add(v, r);
		if (!v.cadres.some((c) => c.name === r.cadre_name && c.phone === r.cadre_phone)) v.cadres.push({ name: r.cadre_name, phone: r.cadre_phone });
	}
	const order = <T extends Counts & { households: number }>(a: T, b: T) => lag(b) - lag(a) || b.households - a.households;
	for (const t of towns.values()) t.villages.sort(order);
	return [...towns.values()].sort(order);
}

const PICTURE_COLUMNS = ['town_code', 'town', 'village_code', 'village', 'households', 'to_notify', 'notified', 'moved', 'refused', 'unreachable', 'people', 'people_moved', 'cadres'];

/** The picture for the daily report: one row per village, through the formula-safe writer. */
export function pictureCsv(towns: readonly TownCounts[]): string {
	const rows = towns.flatMap((t) =>
		t.villages.map((v) => [t.town_code, t.town_zh, v.village_code, v.village_zh, v.households, v.to_notify, v.notified, v.moved, v.refused,
			v.unreachable, v.people, v.people_moved, v.cadres.map((c) => `${c.name} ${c.phone}`).join('; ')])
	);
	return toCsv(PICTURE_COLUMNS, rows);
}
