/**
 * Malformed ids in paths are a 404 before any route runs (they were 500s: the database's
 * cast failed). Every dynamic route under src/routes is walked, read from the filesystem:
 * a new route without declared shapes fails here until it has them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { hasShape, malformedParam, ROUTE_PARAMS, wellFormedParams } from './params';

const ROUTES = path.join('src', 'routes');

/** Every route id with a path parameter, as SvelteKit names it ('/report/[ticket]/photo/[id]'). */
function dynamicRoutes(): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		const entries = fs.readdirSync(dir, { withFileTypes: true });
		const id = `/${path.relative(ROUTES, dir).split(path.sep).join('/')}`.replace(/\/$/, '') || '/';
		if (id.includes('[') && entries.some((e) => e.isFile() && /^\+(page|server)\b/.test(e.name))) found.push(id);
		for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
	};
	walk(ROUTES);
	return found.sort();
}
/** Named parameters; catch-alls ([...rest]) answer 404 for whatever follows and have no shape. */
const paramsOf = (routeId: string) => [...routeId.matchAll(/\[(?!\.\.\.)(\w+)(?:=\w+)?\]/g)].map((m) => m[1]!);

const MALFORMED = ['abc', '1;drop', '\u0000', 'x'.repeat(300), '1234abcd-12ab-12ab-12ab-1234abcdzzzz'];
/** A well-formed value of each shape, for the other parameters of a route. */
const GOOD: Record<string, string> = { int: '1', uuid: crypto.randomUUID(), uuidOrNew: 'new', ticket: 'MY-20261205-0001', slug: 'simatai', prefix: '0a1b2c3d', lang: 'en', text: 'json' };

describe('path ids', () => {
	it('a report number is a positive integer JavaScript and bigint hold exactly', () => {
		for (const id of ['abc', '99999999999999999999', '0', '-1', '1.5', '1e3', ' 1', '0x10']) expect(malformedParam('/console/reports/[id]', { id }), id).toBe('id');
		for (const id of ['1', '42', '9007199254740991']) expect(malformedParam('/console/reports/[id]', { id })).toBeNull();
	});

	it('a volunteer event or registration id is a UUID', () => {
		expect(malformedParam('/console/volunteers/events/[id]', { id: 'not-a-uuid' })).toBe('id');
		expect(malformedParam('/volunteer/registrations/[id]/certificate', { id: '123' })).toBe('id');
		expect(malformedParam('/console/volunteers/events/[id]', { id: crypto.randomUUID() })).toBeNull();
	});

	it('routes without parameters are left alone', () => {
		expect(malformedParam('/warnings', {})).toBeNull();
		expect(malformedParam(null, {})).toBeNull();
	});
});

describe('every dynamic route, read from src/routes', () => {
	const routes = dynamicRoutes();

	it('finds the routes (the walk would prove nothing otherwise)', () => {
		expect(routes).toContain('/console/reports/[id]');
		expect(routes).toContain('/open311/v2/requests/[id].[format]');
		expect(routes.length).toBeGreaterThan(25);
	});

	it('declares a shape for each parameter of each route, and none for a route that is gone', () => {
		const missing = routes.flatMap((r) => paramsOf(r).filter((p) => !ROUTE_PARAMS[r]?.[p]).map((p) => `${r} ${p}`));
		expect(missing).toEqual([]);
		expect(Object.keys(ROUTE_PARAMS).filter((r) => !routes.includes(r))).toEqual([]);
	});

	it('answers a malformed id with 404 before the route runs: "%00", "1;drop", 300 characters, a uuid-shaped non-uuid', async () => {
		const reached: string[] = [];
		for (const route of routes) {
			const names = paramsOf(route);
			for (const name of names) {
				for (const bad of MALFORMED) {
					const params = Object.fromEntries(names.map((n) => [n, n === name ? bad : GOOD[ROUTE_PARAMS[route]![n]!]!]));
					const shape = ROUTE_PARAMS[route]![name]!;
					const event = { route: { id: route }, params } as unknown as RequestEvent;
					let status = 0;
					try {
						await wellFormedParams({ event, resolve: async () => new Response('the route') });
						status = 200;
					} catch (error) {
						status = isHttpError(error) ? error.status : 500;
					}
					if (status === 200) {
						// only a value of the declared shape reaches the route (a lower-case name such as "abc", looked up as text)
						expect(hasShape(shape, bad), `${route} ${name}=${JSON.stringify(bad.slice(0, 40))}`).toBe(true);
						reached.push(`${route} ${name}=${bad}`);
					} else expect(status, `${route} ${name}=${JSON.stringify(bad.slice(0, 40))}`).toBe(404);
				}
			}
		}
		// NUL and 300 characters never get through; what does is short and printable, for a
		// route that looks it up as text (a name, a CAP identifier, an Open311 code) and answers "not found"
		expect(reached.filter((r) => r.includes('\u0000') || r.includes('x'.repeat(201)))).toEqual([]);
		for (const r of reached) expect(r.slice(r.indexOf('=') + 1)).toMatch(/^[\x21-\x7e]{1,200}$/);
		expect(reached.filter((r) => /\/(console\/reports|warnings|shelters|volunteer|api\/subscriptions)\b/.test(r))).toEqual([]);
	});
});
