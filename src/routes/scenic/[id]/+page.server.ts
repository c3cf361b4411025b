import { error, fail } from '@sveltejs/kit';
import { formOf } from '$lib/server/http';
import { confirmSubscription, parseSubscription } from '$lib/server/messaging/subscriptions';
import { services } from '$lib/server/runtime';
import * as scenic from '$lib/server/scenic';
import { startSubscription } from '$lib/server/subscriptions/start';
import * as warnings from '$lib/server/warnings/store';
import type { Problem } from '$lib/subscriptions/client';
import { problemCode } from '$lib/subscriptions/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const found = await locals.db(async (tx) => ({ area: await scenic.get(tx, params.id), outline: await warnings.districtOutline(tx) }));
	if (!found.area) error(404, 'not found');
	return { area: found.area, outline: found.outline, asOf: new Date() };
};

/**
 * The visit by text message as a plain form (the push path needs JavaScript; this one
 * must not): number and date → a code by SMS → the code. Between the two posts the new
 * subscription's id and secret wait in an httpOnly cookie for this area's page, never in
 * the page itself; the visit then ends by itself after its date.
 */
const PENDING = 'visit_sms';
const pendingCookie = (id: string) => ({ path: `/scenic/${id}`, httpOnly: true, sameSite: 'lax' as const, maxAge: 15 * 60 });

const fieldProblems = (errors: Record<string, string>): Problem[] =>
	Object.entries(errors).map(([field, detail]) => ({ key: `err_${problemCode(field, detail)}`, values: { message: detail, field } }));

function pendingOf(cookie: string | undefined): { id: string; secret: string } | null {
	try {
		const held = JSON.parse(cookie ?? 'null') as { id?: unknown; secret?: unknown } | null;
		return typeof held?.id === 'string' && typeof held.secret === 'string' ? { id: held.id, secret: held.secret } : null;
	} catch {
		return null;
	}
}

export const actions: Actions = {
	visit_sms: async ({ locals, params, request, cookies, getClientAddress }) => {
		const form = await formOf(request);
		const values = { phone: String(form.get('phone') ?? ''), until: String(form.get('until') ?? '') };
		const area = await locals.db((tx) => scenic.get(tx, params.id));
		if (!area) error(404, 'not found');
		const label = locals.lang === 'en' ? area.name_en : area.name_zh;
		// the date field's day is read (end of that Beijing day, real days only) by parseSubscription
		const body = { phone: values.phone, places: [{ scenic: area.id, label }], lang: locals.lang, hazards: [], minLevel: 'blue', until: values.until, exercises: false };
		const parsed = parseSubscription(body, services().config.delivery.pushAllowlist);
		if ('errors' in parsed) return fail(400, { values, errors: fieldProblems(parsed.errors) });
		const started = await startSubscription(locals.db, parsed.input, { address: getClientAddress(), replaces: null });
		if (started.kind === 'limited') return fail(429, { values, errors: [{ key: 'err_rate' }] });
		if (started.kind === 'refused') return fail(400, { values, errors: fieldProblems({ [started.error.field]: started.error.message }) });
		cookies.set(PENDING, JSON.stringify({ id: started.id, secret: started.secret }), pendingCookie(area.id));
		return { values, pending: true };
	},

	visit_confirm: async ({ locals, params, request, cookies }) => {
		const form = await formOf(request);
		const values = { phone: String(form.get('phone') ?? ''), until: String(form.get('until') ?? '') };
		const held = pendingOf(cookies.get(PENDING));
		if (!held) return fail(410, { values, errors: [{ key: 'err_code_expired' }] });
		const code = String(form.get('code') ?? '');
		if (!/^\s*\d{6}\s*$/.test(code)) return fail(400, { values, pending: true, errors: [{ key: 'err_code' }] });
		const result = await locals.db((tx) => confirmSubscription(tx, held.id, held.secret, code));
		if (result === 'wrong') return fail(400, { values, pending: true, errors: [{ key: 'err_code' }] });
		cookies.delete(PENDING, pendingCookie(params.id));
		if (result !== 'confirmed') return fail(410, { values, errors: [{ key: 'err_code_expired' }] });
		return { values, visited: true };
	}
};
