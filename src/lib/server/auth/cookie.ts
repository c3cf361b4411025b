import type { Cookies } from '@sveltejs/kit';

/** The staff session cookie: httpOnly (no script reads it), SameSite=Lax, Secure off localhost. */
export const SESSION_COOKIE = 'sm_session';

export function setSessionCookie(cookies: Cookies, token: string, expires: Date): void {
	cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', expires });
}

export function clearSessionCookie(cookies: Cookies): void {
	cookies.delete(SESSION_COOKIE, { path: '/' });
}
