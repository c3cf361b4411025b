/** Routing rules (category × township → department) and category clocks, edited by admins (RLS). */
import { ReportCategoryValues, type ReportCategory, type Tables } from '../../db-types.gen';
import type { Queryable } from '../db/port';

export type Route = Tables['report_routes'];
export type CategoryClock = Tables['report_categories'];

export const routes = (tx: Queryable) =>
	tx.query<Route>('select id, category, town_code, department_code from public.report_routes order by category, town_code nulls first');

export const categories = (tx: Queryable) =>
	tx.query<CategoryClock>('select * from public.report_categories order by sort, code');

/** Where a report of this category in this township goes: a department, or the township itself (属地). */
export async function routeFor(tx: Queryable, category: ReportCategory, town: string): Promise<{ department: string | null; town: string | null }> {
	const [row] = await tx.query<{ department_code: string | null; unit_town_code: string | null }>(
		'select * from app.report_route($1, $2)',
		[category, town]
	);
	return { department: row?.department_code ?? null, town: row?.unit_town_code ?? null };
}

export type RouteInput = { category: ReportCategory; town: string | null; department: string };

export function parseRoute(form: FormData): { route: RouteInput | null; error: string | null } {
	const category = String(form.get('category') ?? '');
	const town = String(form.get('town') ?? '').trim() || null;
	const department = String(form.get('department') ?? '').trim();
	if (!(ReportCategoryValues as readonly string[]).includes(category)) return { route: null, error: 'reports.errors.category' };
	if (town !== null && !/^110118\d{3}$/.test(town)) return { route: null, error: 'reports.errors.town' };
	if (!department) return { route: null, error: 'reports.errors.department' };
	return { route: { category: category as ReportCategory, town, department }, error: null };
}

/** Adds or replaces the rule for (category, township). False when RLS refuses (not an admin). */
export async function saveRoute(tx: Queryable, r: RouteInput): Promise<boolean> {
	try {
		const rows = await tx.query(
			`insert into public.report_routes (category, town_code, department_code) values ($1, $2, $3)
			 on conflict on constraint report_routes_unique do update set department_code = excluded.department_code
			 returning id`,
			[r.category, r.town, r.department]
		);
		return rows.length === 1;
	} catch (error) {
		if ((error as { code?: string }).code === '42501') return false;
		throw error;
	}
}

export async function deleteRoute(tx: Queryable, id: number): Promise<boolean> {
	const rows = await tx.query('delete from public.report_routes where id = $1 returning id', [id]);
	return rows.length === 1;
}

/** Sets a category's feedback deadline (hours). False when RLS refuses. */
export async function setFeedbackHours(tx: Queryable, category: ReportCategory, hours: number): Promise<boolean> {
	if (!Number.isInteger(hours) || hours < 1 || hours > 2160) return false;
	const rows = await tx.query('update public.report_categories set feedback_hours = $2 where code = $1 returning code', [category, hours]);
	return rows.length === 1;
}
