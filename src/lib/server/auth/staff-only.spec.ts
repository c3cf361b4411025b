/**
 * Defence in depth for the console: every load, action and endpoint under
 * src/routes/console refuses a caller who is not staff by itself, before any database
 * work — as if the hook in front of it were gone. And the hook decides by the matched
 * route, so encoded, doubled-slash or mixed-case spellings of a path change nothing
 * (tests/guard.spec.ts sends those to the built server).
 */
import { isHttpError, isRedirect, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { ANON, type Identity, type StaffIdentity } from './identity';
import { consoleGuard, isConsoleRoute, staffOnly } from './staff-only';

type Module = Record<string, unknown> & { actions?: Record<string, (e: unknown) => unknown> };
const modules = import.meta.glob<Module>(['/src/routes/console/**/+page.server.ts', '/src/routes/console/**/+layout.server.ts', '/src/routes/console/**/+server.ts']);

/** Open to anyone, with the reason. */
const OPEN: Record<string, string> = {
	'/src/routes/console/sign-in/+page.server.ts': 'the sign-in form',
	// Clears the caller's own cookie; ends a session only for staff.
	'/src/routes/console/sign-out/+page.server.ts': 'signing out'
};

const staff = (role: StaffIdentity['role']): StaffIdentity => ({
	kind: 'staff', userId: '00000000-0000-4000-8000-000000000001', email: 'x@e2e.test', displayName: null,
	role, departmentCode: null, townCode: null, sessionId: null
});

/** An event whose database access fails the test: the refusal must come first. */
function eventAs(identity: Identity, file: string): unknown {
	const db = () => {
		throw new Error(`${file} touched the database for ${identity.kind}`);
	};
	const form = new FormData();
	return {
		locals: { identity, db, lang: 'zh-CN', sessionToken: null, volunteer: null },
		params: { id: '1', code: 'water', route: 'new' },
		url: new URL('http://localhost/console/x?format=csv'),
		route: { id: '/console/x' },
		request: new Request('http://localhost/console/x', { method: 'POST', body: form }),
		cookies: { get: () => undefined, set: () => undefined, delete: () => undefined },
		getClientAddress: () => '127.0.0.1',
		parent: async () => ({}),
		depends: () => undefined,
		setHeaders: () => undefined
	};
}

/** Every handler a module exports, by name. */
function handlers(mod: Module): [string, (e: unknown) => unknown][] {
	const out: [string, (e: unknown) => unknown][] = [];
	for (const name of ['load', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'fallback']) {
		if (typeof mod[name] === 'function') out.push([name, mod[name] as (e: unknown) => unknown]);
	}
	for (const [name, fn] of Object.entries(mod.actions ?? {})) out.push([`actions.${name}`, fn]);
	return out;
}

async function outcome(run: () => unknown): Promise<number | 'ran'> {
	try {
		await run();
		return 'ran';
	} catch (e) {
		if (isHttpError(e)) return e.status;
		if (isRedirect(e)) return e.status;
		throw e;
	}
}

describe('every console route checks the caller itself', () => {
	const files = Object.keys(modules).filter((f) => !OPEN[f]);

	it('finds the console routes', () => {
		expect(files.length).toBeGreaterThan(20);
	});

	it('refuses anonymous callers with 401 before any database work, in every load, action and endpoint', async () => {
		const refused: string[] = [];
		const ran: string[] = [];
		for (const file of files) {
			for (const [name, fn] of handlers(await modules[file]!())) {
				const status = await outcome(() => fn(eventAs(ANON, file)));
				(status === 401 ? refused : ran).push(`${file} ${name}: ${status}`);
			}
		}
		expect(ran).toEqual([]);
		expect(refused.length).toBeGreaterThan(50);
	});

	it('refuses an API key (a machine client) the console as well', async () => {
		const key: Identity = { kind: 'apikey', id: '00000000-0000-4000-8000-000000000002', name: 'feed', role: 'warning_issuer' };
		const mod = await modules['/src/routes/console/shelters/export/+server.ts']!();
		expect(await outcome(() => (mod.GET as (e: unknown) => unknown)(eventAs(key, 'export')))).toBe(401);
	});

	it('refuses staff without the role on admin-only and issuer-only routes, before the database', async () => {
		const handler = staff('handler');
		const adminOnly = [
			'/src/routes/console/outbox/+page.server.ts',
			'/src/routes/console/volunteers/outbox/+page.server.ts',
			'/src/routes/console/reports/routing/+page.server.ts',
			'/src/routes/console/shelters/import/+page.server.ts',
			'/src/routes/console/shelters/[id]/+page.server.ts',
			'/src/routes/console/warnings/new/+page.server.ts',
			'/src/routes/console/warnings/[id]/+page.server.ts'
		];
		for (const file of adminOnly) {
			for (const [name, fn] of handlers(await modules[file]!())) {
				if (file.includes('warnings/[id]') && name === 'load') continue; // any staff may read a warning
				expect(`${name} ${await outcome(() => fn(eventAs(handler, file)))}`).toBe(`${name} 403`);
			}
		}
	});
});

describe('staffOnly', () => {
	it('returns the staff member, refuses others and the wrong role', () => {
		expect(staffOnly({ identity: staff('admin') }).role).toBe('admin');
		expect(() => staffOnly({ identity: ANON })).toThrow();
		expect(() => staffOnly({ identity: staff('handler') }, ['admin'])).toThrow();
	});
});

describe('the console guard decides by the matched route', () => {
	it('knows console routes by id, and the sign-in page as open', () => {
		expect(['/console', '/console/shelters/export', '/console/reports/[id]'].every(isConsoleRoute)).toBe(true);
		expect(['/console/sign-in', '/consoles', '/', '/api/me', null].some(isConsoleRoute)).toBe(false);
	});

	async function guard(pathname: string, routeId: string | null, identity: Identity = ANON) {
		const event = { url: new URL(`http://localhost${pathname}`), route: { id: routeId }, locals: { identity } } as unknown as RequestEvent;
		return outcome(() => consoleGuard({ event, resolve: async () => new Response('ok') }));
	}

	it('sends anonymous callers to sign-in however the path is spelled', async () => {
		// What SvelteKit's router matched for each spelling; the raw path starts otherwise.
		for (const path of ['/%63onsole/shelters/export', '/console/shelters/export', '/%63%6Fnsole/shelters/export'])
			expect(await guard(path, '/console/shelters/export')).toBe(303);
		expect(await guard('/%63onsole/warnings', '/console/warnings')).toBe(303);
		expect(await guard('/console/sign-in', '/console/sign-in')).toBe('ran');
		expect(await guard('/console/warnings', '/console/warnings', staff('dispatcher'))).toBe('ran');
	});
});
