import { json } from '@sveltejs/kit';

/** A JSON error body an API client can act on: what is wrong, and where. */
export function apiError(status: number, error: string, details?: Record<string, unknown>, headers?: HeadersInit) {
	return json({ error, ...details }, { status, headers });
}

export function wantsJson(pathname: string, accept: string | null): boolean {
	return pathname.startsWith('/api/') || (accept?.includes('application/json') ?? false);
}

/**
 * The body as form data, or null when it cannot be read as such (a broken multipart
 * boundary, a truncated body): the caller answers 400, never the 500 that
 * request.formData() would throw into.
 */
export async function readForm(request: Request): Promise<FormData | null> {
	try {
		return await request.formData();
	} catch {
		return null;
	}
}
