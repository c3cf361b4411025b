import { json } from '@sveltejs/kit';

/** A JSON error body an API client can act on: what is wrong, and where. */
export function apiError(status: number, error: string, details?: Record<string, unknown>, headers?: HeadersInit) {
	return json({ error, ...details }, { status, headers });
}

export function wantsJson(pathname: string, accept: string | null): boolean {
	return pathname.startsWith('/api/') || (accept?.includes('application/json') ?? false);
}
