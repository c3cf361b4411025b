import type { Cookies } from '@sveltejs/kit';

/** The staff session cookie: httpOnly (no script reads it), SameSite=Lax, Secure off localhost. */
export const SESSION_COOKIE = 'sm_session';
/** With Supabase Auth: the refresh token that renews the short-lived access token in SESSION_COOKIE. */
export const REFRESH_COOKIE = 'sm_refresh';

export function setSessionCookie(cookies: Cookies, token: string, expires: Date, refreshToken?: string): void {
	cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', expires });
	if (refreshToken) cookies.set(REFRESH_COOKIE, refreshToken, { path: '/', httpOnly: true, sameSite: 'lax', expires });
}

export function clearSessionCookie(cookies: Cookies): void {
	cookies.delete(SESSION_COOKIE, { path: '/' });
	if (cookies.get(REFRESH_COOKIE) !== undefined) cookies.delete(REFRESH_COOKIE, { path: '/' });
}
