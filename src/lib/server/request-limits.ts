/**
 * Rate limits for anonymous callers, per client address — aimed at writes and
 * expensive endpoints, never at what residents read in a surge.
 *
 * Chinese mobile carriers put thousands of phones behind one address (CGNAT): a
 * per-address limit on public reads (pages, /api/shelters/nearest, the warning feeds
 * and live events) would answer 429 to a whole township opening the app after a red
 * warning. So public reads have no per-address limit here; flooding by volume is for a
 * proxy or CDN in front (README, "Behind a proxy"). What is limited:
 * - writes (form posts, API posts): `anonWrites`;
 * - reads that search the database on the caller's terms (Open311 request searches,
 *   report media): `api`;
 * - receipts from service workers: their own large budget (every phone a warning reaches);
 * - /wechat: WeChat's servers post for every user of the account, so that endpoint
 *   limits per user itself; /api/sms/inbound: the SMS gateway likewise (per number);
 * - the assistant (its page's action and /api/assistant) has its own budget and spends it
 *   itself, after reading the message: an emergency still gets the call box when the
 *   budget is spent (assistant/limits.ts), and chatting never uses up the reports' budget.
 * Decided by the route SvelteKit matched, never by the raw path (`/%61pi/...` is `/api/...`).
 */
import type { Handle } from '@sveltejs/kit';
import { apiError } from './http';
import { refuse } from './open311/format';
import type { RateLimiter } from './rate-limit';

export type AnonymousLimits = { anonWrites: RateLimiter; api: RateLimiter; receipts: RateLimiter };

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Reads that cost a database search chosen by the caller. */
const EXPENSIVE_READS = new Set([
	'/open311/v2/requests.[format]',
	'/open311/v2/requests/[id].[format]',
	'/open311/v2/tokens/[token].[format]',
	'/open311/v2/media/[id]'
]);

/** Routes that limit themselves (the assistant: emergencies are read before any limit). */
const SELF_LIMITED = new Set(['/assistant', '/api/assistant']);

/** Which budgets one anonymous request spends (route id as SvelteKit matched it, or null). */
export function budgetsFor(method: string, routeId: string | null): (keyof AnonymousLimits)[] {
	if (routeId === '/api/subscriptions/receipts') return ['receipts'];
	if (routeId === '/wechat' || SELF_LIMITED.has(routeId ?? '')) return [];
	// The SMS gateway posts every reply from one address; it is authenticated by its token.
	if (routeId === '/api/sms/inbound') return [];
	if (!READS.has(method)) return ['anonWrites'];
	return routeId !== null && EXPENSIVE_READS.has(routeId) ? ['api'] : [];
}

/** Seconds to wait before the next request is allowed, or 0. Spends nothing once one budget refuses. */
export function spend(limits: AnonymousLimits, budgets: (keyof AnonymousLimits)[], address: string, now = Date.now()): number {
	for (const budget of budgets) {
		const wait = limits[budget].hit(address, now);
		if (wait) return wait;
	}
	return 0;
}

/** The hook; `limits` is read per request, and is null while prerendering (no server). */
export function anonymousLimits(limits: () => AnonymousLimits | null): Handle {
	return async ({ event, resolve }) => {
		const budgets = event.locals.identity.kind === 'anon' ? limits() : null;
		if (!budgets) return resolve(event);
		const wait = spend(budgets, budgetsFor(event.request.method, event.route.id), event.getClientAddress());
		if (!wait) return resolve(event);
		const message = 'too many requests from this address; try again later';
		const retry = { 'retry-after': String(wait) };
		// Open311 clients get the spec's error list.
		return event.route.id?.startsWith('/open311/')
			? refuse(event.url.pathname, 429, message, retry)
			: apiError(429, message, { retryAfterSeconds: wait }, retry);
	};
}
