import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { building } from '$app/environment';
import { clearSessionCookie, REFRESH_COOKIE, SESSION_COOKIE, setSessionCookie } from '$lib/server/auth/cookie';
import { consoleGuard } from '$lib/server/auth/staff-only';
import { ANON, claimsFor } from '$lib/server/auth/identity';
import { readConfig } from '$lib/server/config';
import { csrf } from '$lib/server/csrf';
import { reservedAction } from '$lib/server/form-actions';
import { wellFormedParams } from '$lib/server/params';
import { asCaller } from '$lib/server/db/caller';
import { apiError, wantsJson } from '$lib/server/http';
import { chooseLang } from '$lib/server/i18n';
import { refuse } from '$lib/server/open311/format';
import { anonymousLimits } from '$lib/server/request-limits';
import { securityHeaders } from '$lib/server/security-headers';
import { exposeToNodeLayer } from '$lib/server/public/events';
import { compress, publicPages } from '$lib/server/public/hooks';
import { bodyLimit } from '$lib/server/reports/uploads';
import { services, setServices } from '$lib/server/runtime';
import { resumeSession, startServices } from '$lib/server/services';
import { shutdownGracefully } from '$lib/server/shutdown';
import { unavailableError, unavailableHandle } from '$lib/server/unavailable';
import { unstorableText } from '$lib/server/unstorable-text';
import { LANG_COOKIE } from '$lib/i18n';
import { clearVolunteerCookie, VOLUNTEER_COOKIE, volunteerFromToken } from '$lib/server/volunteers/sign-in';

export const init: ServerInit = async () => {
	// Prerendering at build time needs no database.
	if (building) return;
	try {
		const config = readConfig();
		// Each step is logged as it starts: a first start on a busy machine takes minutes,
		// and an empty log then looks hung (an outside tester's finding, 2026-12-05).
		const started = await startServices(config, 'server', (line) => console.log(`safe-miyun: starting: ${line}`));
		setServices(started);
		const where = config.database.kind === 'embedded' ? `embedded (${config.database.dataDir})` : 'postgres';
		console.log(
			`safe-miyun: database ${where}; ${started.migrated.length} migration(s) applied; ` +
				`sign-in via ${started.auth.provider}${started.seeded ? '; demo admin created' : ''}`
		);
		shutdownGracefully(started);
		// scripts/serve.js serves the live event streams from here, before SvelteKit (events.ts).
		exposeToNodeLayer(started.db);
	} catch (error) {
		// One line that names what is wrong; no stack trace for a configuration mistake.
		console.error(`safe-miyun: cannot start: ${(error as Error).message.split('\n')[0]}`);
		process.exit(1);
	}
};

const identity: Handle = async ({ event, resolve }) => {
	if (building) {
		event.locals.identity = ANON;
		event.locals.volunteer = null;
		return resolve(event);
	}
	const { auth, db } = services();
	const path = event.url.pathname;
	// Open311 clients get the spec's error list, and the spec's 403 for a bad key.
	const open311 = event.route.id?.startsWith('/open311/') ?? false;
	const header = event.request.headers.get('authorization');
	const bearer = header?.match(/^Bearer\s+(\S{1,4096})$/i)?.[1] ?? null;
	if (header && !bearer) {
		const message = 'Authorization must be "Bearer <key or token>"';
		return open311 ? refuse(path, 403, message) : apiError(401, message);
	}
	let sessionToken = event.cookies.get(SESSION_COOKIE) ?? null;
	const refreshToken = bearer ? null : (event.cookies.get(REFRESH_COOKIE) ?? null);

	let who = await auth.identify({ bearer, sessionToken });
	if (who === 'invalid') {
		const message = 'the bearer credential is not valid (unknown, revoked or expired)';
		return open311 ? refuse(path, 403, message) : apiError(401, message, undefined, { 'www-authenticate': 'Bearer' });
	}
	// Supabase's access tokens live an hour: an expired one is renewed here, per request,
	// from the refresh token in the cookie (nothing about the session is kept in process).
	const resumed = who.kind === 'anon' && refreshToken ? await resumeSession(auth, refreshToken) : null;
	if (resumed && resumed !== 'unavailable') {
		who = resumed.who;
		sessionToken = resumed.renewed.token;
		setSessionCookie(event.cookies, sessionToken, resumed.renewed.expiresAt, resumed.renewed.refreshToken);
	}
	if ((sessionToken || refreshToken) && who.kind === 'anon' && resumed !== 'unavailable') clearSessionCookie(event.cookies);

	// A volunteer is not staff: to everything else the caller stays anonymous, but their
	// database work runs as their own user so RLS shows them their own rows.
	const volunteerToken = who.kind === 'anon' ? event.cookies.get(VOLUNTEER_COOKIE) : undefined;
	const volunteer = volunteerToken ? await volunteerFromToken(db, volunteerToken) : null;
	if (volunteerToken && !volunteer) clearVolunteerCookie(event.cookies);
	event.locals.volunteer = volunteer;

	event.locals.identity = who;
	event.locals.sessionToken = sessionToken;
	const claims = volunteer ? { role: 'authenticated' as const, sub: volunteer.userId } : claimsFor(who);
	event.locals.db = (work) => asCaller(db, claims, work);
	return resolve(event);
};

const i18n: Handle = async ({ event, resolve }) => {
	const { lang, save } = chooseLang(
		// Prerendered pages (the offline page) are the same for everyone: no query, no cookie.
		building ? null : event.url.searchParams.get('lang'),
		event.cookies.get(LANG_COOKIE),
		event.request.headers.get('accept-language')
	);
	if (save) {
		event.cookies.set(LANG_COOKIE, lang, { path: '/', maxAge: 365 * 24 * 3600, httpOnly: false, sameSite: 'lax' });
	}
	event.locals.lang = lang;
	return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', lang) });
};

// The console guard and the anonymous limits decide by the matched route (event.route.id).
// compress wraps everything below it. Text the database cannot store (NUL, lone surrogates)
// in a query, path or JSON/XML body is refused before anything reads it (unstorable-text.ts). A database that is gone answers 503 with Retry-After
// (unavailableHandle), never a stack; public pages still come from the read model then.
// publicPages needs identity and language, and keeps only anonymous public pages.
export const handle = sequence(
	securityHeaders,
	compress,
	unavailableHandle,
	csrf,
	reservedAction,
	bodyLimit,
	unstorableText,
	wellFormedParams,
	identity,
	anonymousLimits(() => (building ? null : services().limits)),
	i18n,
	publicPages,
	consoleGuard
);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	// 4xx (not found, body too large, method not allowed …) are the client's mistakes: say so, log nothing.
	if (status < 500) return { message };
	// The database being away is no bug: 503 with Retry-After (see unavailable.ts), no stack.
	const unavailable = unavailableError(error, event);
	if (unavailable) return unavailable;
	const id = crypto.randomUUID();
	console.error(`error ${id} on ${event.request.method} ${event.url.pathname}:`, error);
	return wantsJson(event.url.pathname, event.request.headers.get('accept'))
		? { message: 'internal error', id }
		: { message: 'server', id };
};
