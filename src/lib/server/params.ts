/**
 * The shape of the ids in paths, in one place, for every dynamic route: a report's number
 * is a positive integer the database can hold, a volunteer event's or a registration's id
 * a UUID, a scenic area's a lower-case name. Anything else
 * names nothing we have, and is a 404 before the route runs. Passed to the database as is,
 * `abc` or `99999999999999999999` failed the cast (22P02/22003) and answered 500 (an
 * outside tester's finding). Unknown but well-formed ids are the route's 404.
 */
import { error, type Handle } from '@sveltejs/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHAPES = {
	// bigint ids; JavaScript numbers hold them exactly up to 2^53
	int: (value: string) => /^[1-9][0-9]{0,15}$/.test(value) && Number.isSafeInteger(Number(value)),
	uuid: (value: string) => UUID.test(value),
	/** a form for a new one, or an existing one's uuid */
	uuidOrNew: (value: string) => value === 'new' || UUID.test(value),
	/** a report's ticket, MY-20261205-0001 (public.reports.ticket's check) */
	ticket: (value: string) => /^MY-[0-9]{8}-[0-9]{4,9}$/.test(value),
	/** a lower-case name: scenic area, guide, department, display screen */
	slug: (value: string) => /^[a-z0-9][a-z0-9_-]{0,62}$/.test(value),
	/** a warning's short link: the first 8 hex digits of its id */
	prefix: (value: string) => /^[0-9a-f]{8}$/.test(value),
	lang: (value: string) => value === 'zh-CN' || value === 'en',
	/**
	 * a name another system chose (a CAP identifier; Open311's codes, keys, tokens and
	 * formats, which the Open311 API refuses itself in the spec's error format): looked up
	 * as text, never cast
	 */
	text: (value: string) => value.length >= 1 && value.length <= 200 && !/[\x00-\x20\x7f]/.test(value)
};

/**
 * Route → its path parameters and their shapes: every dynamic route is here
 * (params.spec.ts reads src/routes and fails for a parameter without one). Catch-all
 * `[...rest]` routes are not: they answer 404 for whatever follows.
 */
export const ROUTE_PARAMS: Record<string, Record<string, keyof typeof SHAPES>> = {
	'/api/reports/[ticket]/watch': { ticket: 'ticket' },
	'/api/subscriptions/[id]': { id: 'uuid' },
	'/api/subscriptions/[id]/confirm': { id: 'uuid' },
	'/cap/alerts/[file]': { file: 'text' },
	'/console/departments/[code]': { code: 'slug' },
	'/console/reports/[id]': { id: 'int' },
	'/console/reports/photo/[id]': { id: 'int' },
	'/console/shelters/[id]': { id: 'uuidOrNew' },
	'/console/shelters/[id]/routes/[route]': { id: 'uuid', route: 'uuidOrNew' },
	'/console/volunteers/events/[id]': { id: 'uuid' },
	'/console/volunteers/events/[id]/export.csv': { id: 'uuid' },
	'/console/warnings/[id]': { id: 'uuid' },
	'/console/warnings/[id]/broadcast': { id: 'uuid' },
	'/display/[screen]': { screen: 'slug' },
	'/display/[screen]/state': { screen: 'slug' },
	'/guides/[slug]': { slug: 'slug' },
	'/guides/search-[lang].json': { lang: 'lang' },
	'/open311/discovery.[format]': { format: 'text' },
	'/open311/v2/media/[id]': { id: 'text' },
	'/open311/v2/requests.[format]': { format: 'text' },
	'/open311/v2/requests/[id].[format]': { id: 'text', format: 'text' },
	'/open311/v2/services.[format]': { format: 'text' },
	'/open311/v2/services/[code].[format]': { code: 'text', format: 'text' },
	'/open311/v2/tokens/[token].[format]': { token: 'text', format: 'text' },
	'/report/[ticket]': { ticket: 'ticket' },
	'/report/[ticket]/photo/[id]': { ticket: 'ticket', id: 'int' },
	'/scenic/[id]': { id: 'slug' },
	'/scenic/[id]/qr': { id: 'slug' },
	'/shelters/[id]': { id: 'uuid' },
	'/volunteer/events/[id]': { id: 'uuid' },
	'/volunteer/registrations/[id]/certificate': { id: 'uuid' },
	'/w/[prefix]': { prefix: 'prefix' },
	'/warnings/[id]': { id: 'uuid' }
};

/** Whether a value has a shape (for tests and routes that check by hand). */
export const hasShape = (shape: keyof typeof SHAPES, value: string) => SHAPES[shape](value);

/** The first parameter of a route that does not have its shape, or null. */
export function malformedParam(routeId: string | null, params: Record<string, string>): string | null {
	const shapes = routeId ? ROUTE_PARAMS[routeId] : undefined;
	if (!shapes) return null;
	for (const [name, shape] of Object.entries(shapes)) if (params[name] !== undefined && !SHAPES[shape](params[name]!)) return name;
	return null;
}

export const wellFormedParams: Handle = async ({ event, resolve }) => {
	if (malformedParam(event.route.id, event.params)) error(404, 'not found');
	return resolve(event);
};
