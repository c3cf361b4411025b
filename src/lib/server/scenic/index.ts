/**
 * Scenic areas for tourists: sourced facts, today's status set by staff, and the
 * warnings in force that touch each (by its point, or by its township's approximate
 * area when no point is sourced).
 */
import { ScenicStateValues, type ScenicState, type WarningLevel, type HazardCode } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { withTownNames } from '../district';

export type ScenicWarning = { thread: string; level: WarningLevel; hazard: HazardCode; status: string; headline_zh: string; headline_en: string };

export type Scenic = {
	id: string;
	name_zh: string;
	name_en: string;
	town_code: string | null;
	town_zh: string | null;
	town_en: string | null;
	town_note: string | null;
	town_note_en: string | null;
	lat: number | null;
	lon: number | null;
	coord_confidence: string | null;
	coord_source: string | null;
	facts: string | null;
	facts_source: string | null;
	phone: string | null;
	state: ScenicState;
	note_zh: string | null;
	note_en: string | null;
	status_updated_at: Date | null;
	warnings: ScenicWarning[];
};

const SELECT = `
	select s.id, s.name_zh, s.name_en, s.town_code, s.town_note, s.town_note_en,
	       extensions.st_y(s.location) as lat, extensions.st_x(s.location) as lon, s.coord_confidence, s.coord_source,
	       s.facts, s.facts_source, s.phone, coalesce(st.state, 'open') as state, st.note_zh, st.note_en,
	       st.updated_at as status_updated_at,
	       coalesce((select json_agg(json_build_object('thread', w.thread_id, 'level', w.level, 'hazard', w.hazard, 'status', w.status,
	                   'headline_zh', (select i.headline from public.warning_infos i where i.warning_id = w.id order by i.lang <> 'zh-CN' limit 1),
	                   'headline_en', (select i.headline from public.warning_infos i where i.warning_id = w.id order by i.lang <> 'en' limit 1))
	                   order by case w.level when 'red' then 4 when 'orange' then 3 when 'yellow' then 2 else 1 end desc)
	          from public.warnings w
	         where app.warning_in_force(w) and w.status in ('Actual', 'Exercise', 'Test')
	           and app.scenic_in_area(w.area, s.location, s.town_code)), '[]') as warnings
	  from public.scenic_areas s
	  left join public.scenic_status st on st.scenic_id = s.id`;

/** The township's names come from the district module, not a join. */
type ScenicFact = Omit<Scenic, 'town_zh' | 'town_en'>;

export async function list(tx: Queryable): Promise<Scenic[]> {
	return withTownNames(tx, await tx.query<ScenicFact>(`${SELECT} order by s.sort, s.id`));
}

export async function get(tx: Queryable, id: string): Promise<Scenic | null> {
	const rows = await tx.query<ScenicFact>(`${SELECT} where s.id = $1`, [id]);
	return (await withTownNames(tx, rows))[0] ?? null;
}

export type StatusInput = { state: ScenicState; note_zh: string | null; note_en: string | null };

export function parseStatus(form: FormData): { input: StatusInput; errors: Record<string, string> } {
	const text = (n: string) => String(form.get(n) ?? '').trim();
	const errors: Record<string, string> = {};
	const state = text('state');
	if (!(ScenicStateValues as readonly string[]).includes(state)) errors.state = 'errors.required';
	const input = { state: state as ScenicState, note_zh: text('note_zh') || null, note_en: text('note_en') || null };
	if ((input.note_zh?.length ?? 0) > 300) errors.note_zh = 'errors.too_long';
	if ((input.note_en?.length ?? 0) > 600) errors.note_en = 'errors.too_long';
	return { input, errors };
}

/** Sets today's status; false when RLS refuses (not an issuer, admin, or the area's township). */
export async function setStatus(tx: Queryable, id: string, input: StatusInput): Promise<boolean> {
	try {
		const rows = await tx.query(
			`insert into public.scenic_status (scenic_id, state, note_zh, note_en, updated_by)
			 values ($1, $2, $3, $4, auth.uid())
			 on conflict (scenic_id) do update
			   set state = excluded.state, note_zh = excluded.note_zh, note_en = excluded.note_en, updated_by = auth.uid()
			 returning scenic_id`,
			[id, input.state, input.note_zh, input.note_en]
		);
		return rows.length === 1;
	} catch (error) {
		if ((error as { code?: string }).code === '42501') return false;
		throw error;
	}
}
