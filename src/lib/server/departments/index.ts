/**
 * Departments, read and edited as the caller: RLS and the departments_guard trigger
 * decide who may change what (admins everything; a department's staff its phone).
 */
import type { Tables } from '../../db-types.gen';
import type { Queryable } from '../db/port';

export type Department = Omit<Tables['departments'], 'updated_at'>;
export type DepartmentPatch = Pick<Department, 'name_zh' | 'name_en' | 'short_zh' | 'phone' | 'sort' | 'active'>;

const COLUMNS = 'code, name_zh, name_en, short_zh, phone, sort, active';

export function list(tx: Queryable): Promise<Department[]> {
	return tx.query<Department>(`select ${COLUMNS} from public.departments order by active desc, sort, code`);
}

export async function get(tx: Queryable, code: string): Promise<Department | null> {
	const [row] = await tx.query<Department>(`select ${COLUMNS} from public.departments where code = $1`, [code]);
	return row ?? null;
}

/** Whether the caller may edit this department at all (the policy's own test). */
export async function canEdit(tx: Queryable, code: string): Promise<{ any: boolean; all: boolean }> {
	const [row] = await tx.query<{ admin: boolean; own: boolean }>(
		'select app.is_admin() as admin, coalesce(app.staff_department() = $1, false) as own',
		[code]
	);
	return { any: Boolean(row?.admin || row?.own), all: Boolean(row?.admin) };
}

export type FieldErrors = Partial<Record<keyof DepartmentPatch, string>>;

/** Checks a submitted form; the messages are i18n keys. */
export function parsePatch(form: FormData): { patch: DepartmentPatch; errors: FieldErrors } {
	const text = (name: string) => String(form.get(name) ?? '').trim();
	const errors: FieldErrors = {};
	const patch: DepartmentPatch = {
		name_zh: text('name_zh'),
		name_en: text('name_en'),
		short_zh: text('short_zh') || null,
		phone: text('phone') || null,
		sort: Number(text('sort') || '100'),
		active: form.get('active') === 'on'
	};
	if (!patch.name_zh) errors.name_zh = 'errors.required';
	else if (patch.name_zh.length > 100) errors.name_zh = 'errors.too_long';
	if (!patch.name_en) errors.name_en = 'errors.required';
	else if (patch.name_en.length > 200) errors.name_en = 'errors.too_long';
	if (patch.short_zh && patch.short_zh.length > 40) errors.short_zh = 'errors.too_long';
	if (patch.phone && !/^[0-9+() -]{3,30}$/.test(patch.phone)) errors.phone = 'errors.invalid_phone';
	if (!Number.isInteger(patch.sort) || patch.sort < 0 || patch.sort > 10_000) errors.sort = 'errors.required';
	return { patch, errors };
}

/** Returns false when RLS or the guard refuses the change (nothing is written). */
export async function update(tx: Queryable, code: string, patch: DepartmentPatch): Promise<boolean> {
	try {
		const rows = await tx.query(
			`update public.departments
			    set name_zh = $2, name_en = $3, short_zh = $4, phone = $5, sort = $6, active = $7
			  where code = $1 returning code`,
			[code, patch.name_zh, patch.name_en, patch.short_zh, patch.phone, patch.sort, patch.active]
		);
		return rows.length === 1;
	} catch (error) {
		if ((error as { code?: string }).code === '42501') return false;
		throw error;
	}
}
