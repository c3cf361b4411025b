import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { redirect } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { building } from '$app/environment';
import { clearSessionCookie, SESSION_COOKIE } from '$lib/server/auth/cookie';
import { ANON, claimsFor } from '$lib/server/auth/identity';
import { readConfig } from '$lib/server/config';
import { csrf } from '$lib/server/csrf';
import { asCaller } from '$lib/server/db/caller';
import { apiError, wantsJson } from '$lib/server/http';
import { chooseLang } from '$lib/server/i18n';
import { refuse } from '$lib/server/open311/format';
import { compress, publicPages } from '$lib/server/public/hooks';
import { bodyLimit } from '$lib/server/reports/uploads';
import { services, setServices } from '$lib/server/runtime';
import { startServices } from '$lib/server/services';
import { LANG_COOKIE } from '$lib/i18n';
import { clearVolunteerCookie, VOLUNTEER_COOKIE, volunteerFromToken } from '$lib/server/volunteers/sign-in';

export const init: ServerInit = async () => {
	// Prerendering at build time needs no database.
	if (building) return;
	try {
		const config = readConfig();
		const started = await startServices(config, 'server');
		setServices(started);
		const where = config.database.kind === 'embedded' ? `embedded (${config.database.dataDir})` : 'postgres';
		console.log(
			`safe-miyun: database ${where}; ${started.migrated.length} migration(s) applied; ` +
				`sign-in via ${started.auth.provider}${started.seeded ? '; demo admin created' : ''}`
		);
		const stop = () => void started.close().catch(() => undefined);
		process.once('sveltekit:shutdown', stop);
	} catch (error) {
		// One line that names what is wrong; no stack trace for a configuration mistake.
		console.error(`safe-miyun: cannot start: ${(error as Error).message.split('\n')[0]}`);
		process.exit(1);
	}
};

/** where service workers report a warning delivered or shown */
const RECEIPTS_PATH = '/api/subscriptions/receipts';

const identity: Handle = async ({ event, resolve }) => {
	if (building) {
		event.locals.identity = ANON;
		event.locals.volunteer = null;
		return resolve(event);
	}
	const { auth, db, limits } = services();
	const path = event.url.pathname;
	// Open311 clients get the spec's error list, and the spec's 403 for a bad key.
	const open311 = path.startsWith('/open311/');
	const header = event.request.headers.get('authorization');
	const bearer = header?.match(/^Bearer\s+(\S{1,4096})$/i)?.[1] ?? null;
	if (header && !bearer) {
		const message = 'Authorization must be "Bearer <key or token>"';
		return open311 ? refuse(path, 403, message) : apiError(401, message);
	}
	const sessionToken = event.cookies.get(SESSION_COOKIE) ?? null;

	const who = await auth.identify({ bearer, sessionToken });
	if (who === 'invalid') {
		const message = 'the bearer credential is not valid (unknown, revoked or expired)';
		return open311 ? refuse(path, 403, message) : apiError(401, message, undefined, { 'www-authenticate': 'Bearer' });
	}
	if (sessionToken && who.kind === 'anon') clearSessionCookie(event.cookies);

	if (who.kind === 'anon') {
		const address = event.getClientAddress();
		// WeChat's servers post for every user of the account: /wechat limits per user itself.
		const write = !['GET', 'HEAD', 'OPTIONS'].includes(event.request.method) && event.url.pathname !== '/wechat';
		// Receipts come from every phone a warning reaches, many behind one carrier
		// address (CGNAT): they have their own, larger budget.
		const wait =
			path === RECEIPTS_PATH
				? limits.receipts.hit(address)
				: (path.startsWith('/api/') || open311 ? limits.api.hit(address) : 0) || (write ? limits.anonWrites.hit(address) : 0);
		if (wait) {
			const message = 'too many requests from this address; try again later';
			const retry = { 'retry-after': String(wait) };
			return open311 ? refuse(path, 429, message, retry) : apiError(429, message, { retryAfterSeconds: wait }, retry);
		}
	}

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

const guard: Handle = async ({ event, resolve }) => {
	const path = event.url.pathname;
	if (path.startsWith('/console') && path !== '/console/sign-in' && event.locals.identity.kind !== 'staff') {
		redirect(303, `/console/sign-in?next=${encodeURIComponent(path + event.url.search)}`);
	}
	return resolve(event);
};

/** Baseline protections on every response; the console is never framed (clickjacking). */
const headers: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	response.headers.set('x-frame-options', 'DENY');
	response.headers.set('permissions-policy', 'geolocation=(self), camera=(self), microphone=()');
	return response;
};

// compress wraps everything below it; publicPages needs identity and language, and keeps only anonymous public pages.
export const handle = sequence(headers, compress, csrf, bodyLimit, identity, i18n, publicPages, guard);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	// 4xx (not found, body too large, method not allowed …) are the client's mistakes: say so, log nothing.
	if (status < 500) return { message };
	const id = crypto.randomUUID();
	console.error(`error ${id} on ${event.request.method} ${event.url.pathname}:`, error);
	return wantsJson(event.url.pathname, event.request.headers.get('accept'))
		? { message: 'internal error', id }
		: { message: 'server', id };
};
