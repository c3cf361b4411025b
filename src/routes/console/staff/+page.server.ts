/**
 * Staff, for admins: everyone's role and unit, adding a person, changing a role or
 * switching an account off. The database decides who may (`public.staff_add`, RLS
 * "admins add/edit staff", an admin cannot demote or switch off themselves); the early
 * guard keeps other staff out before any query.
 */
import { error, fail } from '@sveltejs/kit';
import { MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';
import { PASSWORD_MIN } from '$lib/server/auth/passwords';
import { district } from '$lib/server/district';
import { formOf } from '$lib/server/http';
import { services } from '$lib/server/runtime';
import { createStaff, InputError, listStaff, updateStaff } from '$lib/server/staff';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const load: PageServerLoad = async ({ locals }) => {
	const me = staffOnly(locals, MAY.administer);
	const { staff, places } = await locals.db(async (tx) => ({ staff: await listStaff(tx), places: await district(tx) }));
	return {
		me: me.userId,
		staff,
		towns: places.towns.map(({ code, name_zh, name_en }) => ({ code, name_zh, name_en })),
		departments: places.departments,
		// Supabase Auth owns passwords: the person is made there first, then given a profile here.
		builtIn: !services().config.supabase,
		passwordMin: PASSWORD_MIN
	};
};

/** The form field and the message key for a refusal the person can fix. */
function refusal(e: InputError): { field: string; key: string } {
	if (e.reason === 'taken') return { field: 'email', key: 'console.staff_err_taken' };
	if (e.reason === 'no_account') return { field: 'email', key: 'console.staff_err_no_auth_user' };
	if (e.reason === 'self') return { field: 'role', key: 'console.staff_err_self' };
	if (e.field === 'name') return { field: 'display_name', key: 'console.staff_err_name' };
	if (['email', 'password', 'role'].includes(e.field)) return { field: e.field, key: `console.staff_err_${e.field}` };
	return { field: 'unit', key: 'console.staff_err_unit' }; // unit, town, department
}

export const actions: Actions = {
	add: async ({ locals, request }) => {
		staffOnly(locals, MAY.administer);
		const form = await formOf(request);
		const values = {
			email: String(form.get('email') ?? '').trim(),
			display_name: String(form.get('display_name') ?? '').trim(),
			role: String(form.get('role') ?? ''),
			unit: String(form.get('unit') ?? '')
		};
		const [kind, code] = values.unit.split(':');
		const builtIn = !services().config.supabase;
		try {
			await locals.db((tx) =>
				createStaff(tx, {
					email: values.email,
					displayName: values.display_name || null,
					role: values.role,
					departmentCode: kind === 'department' ? (code ?? null) : null,
					townCode: kind === 'town' ? (code ?? null) : null,
					password: builtIn ? String(form.get('password') ?? '') : null
				})
			);
		} catch (e) {
			if (!(e instanceof InputError)) throw e;
			const { field, key } = refusal(e);
			return fail(400, { add: { values, errors: { [field]: key } } });
		}
		return { added: values.email.toLowerCase() };
	},
	update: async ({ locals, request }) => {
		staffOnly(locals, MAY.administer);
		const form = await formOf(request);
		const userId = String(form.get('user_id') ?? '');
		if (!UUID.test(userId)) error(404, 'not found');
		try {
			const saved = await locals.db((tx) => updateStaff(tx, userId, { role: String(form.get('role') ?? ''), active: form.get('active') === 'on' }));
			if (!saved) error(404, 'not found');
		} catch (e) {
			if (!(e instanceof InputError)) throw e;
			return fail(400, { update: { userId, error: refusal(e).key } });
		}
		return { updated: userId };
	}
};
