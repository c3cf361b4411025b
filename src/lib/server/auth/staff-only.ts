/**
 * The console is for staff. Two locks, so that one mistake does not open it:
 * - `consoleGuard` (a hook) sends anyone who is not staff to the sign-in page. It
 *   decides by the route SvelteKit matched (`event.route.id`), never by the raw
 *   path: the router decodes `/%63onsole/...` to `/console/...`, a prefix test on
 *   `url.pathname` does not.
 * - `staffOnly` is called first thing by every console load, action and endpoint,
 *   so a route stays closed even if the hook is reordered, removed or bypassed.
 */
import { error, redirect, type Handle } from '@sveltejs/kit';
import type { StaffRole } from '../../db-types.gen';
import type { Action, MAY } from './can';
import type { StaffIdentity } from './identity';

/** Console routes anyone may open: the sign-in page itself. */
const OPEN_ROUTES = new Set(['/console/sign-in']);

/** Whether a matched route (its id, e.g. `/console/shelters/[id]`) is a staff-only route. */
export function isConsoleRoute(routeId: string | null): boolean {
	return routeId !== null && (routeId === '/console' || routeId.startsWith('/console/')) && !OPEN_ROUTES.has(routeId);
}

/**
 * The signed-in staff member, or a stop: 401 for anyone else, 403 for staff whose
 * role is not in `roles` (when given: a list from `MAY` in ./can, the database's rule).
 * Row level security still decides which rows.
 */
export function staffOnly(locals: Pick<App.Locals, 'identity'>, roles?: (typeof MAY)[Action]): StaffIdentity {
	const who = locals.identity;
	if (who.kind !== 'staff') error(401, 'staff sign-in required');
	if (roles && !(roles as readonly StaffRole[]).includes(who.role)) error(403, 'forbidden');
	return who;
}

export const consoleGuard: Handle = async ({ event, resolve }) => {
	if (isConsoleRoute(event.route.id) && event.locals.identity.kind !== 'staff') {
		// The sign-in page follows `next` only to paths that start with /console.
		redirect(303, `/console/sign-in?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
	}
	return resolve(event);
};
