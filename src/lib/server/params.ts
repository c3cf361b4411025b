/**
 * The shape of the ids in paths, in one place: a report's number is a positive integer
 * the database can hold, a volunteer event's or a registration's id a UUID. Anything else
 * names nothing we have, and is a 404 before the route runs. Passed to the database as is,
 * `abc` or `99999999999999999999` failed the cast (22P02/22003) and answered 500 (an
 * outside tester's finding). Unknown but well-formed ids are the route's 404.
 */
import { error, type Handle } from '@sveltejs/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHAPES = {
	// bigint ids; JavaScript numbers hold them exactly up to 2^53
	int: (value: string) => /^[1-9][0-9]{0,15}$/.test(value) && Number.isSafeInteger(Number(value)),
	uuid: (value: string) => UUID.test(value)
};

/** Route → its path parameters and their shapes. */
const ROUTE_PARAMS: Record<string, Record<string, keyof typeof SHAPES>> = {
	'/console/reports/[id]': { id: 'int' },
	'/console/reports/photo/[id]': { id: 'int' },
	'/report/[ticket]/photo/[id]': { id: 'int' },
	'/console/volunteers/events/[id]': { id: 'uuid' },
	'/volunteer/registrations/[id]/certificate': { id: 'uuid' }
};

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
