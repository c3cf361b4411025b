import * as warnings from '$lib/server/warnings/store';
import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals);
	const all = await locals.db((tx) => warnings.overview(tx));
	const now = new Date();
	const group = (test: (w: (typeof all)[number]) => boolean) => all.filter(test);
	return {
		groups: {
			pending: group((w) => w.state === 'pending'),
			draft: group((w) => w.state === 'draft'),
			active: group((w) => w.inForce),
			scheduled: group((w) => w.state === 'issued' && w.msgType !== 'Cancel' && w.effective > now),
			past: group((w) => !w.inForce && (w.state !== 'issued' || w.msgType === 'Cancel' || w.expires <= now) && w.state !== 'draft' && w.state !== 'pending')
		}
	};
};
