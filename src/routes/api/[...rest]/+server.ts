import { apiError } from '$lib/server/http';
import type { RequestHandler } from './$types';

// An unknown API path answers in JSON, not with the HTML error page.
export const fallback: RequestHandler = ({ url }) => apiError(404, `no API at ${url.pathname}`);
