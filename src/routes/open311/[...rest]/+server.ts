import { formatOfPath, Open311Error, renderError } from '$lib/server/open311/format';
import type { RequestHandler } from './$types';

// An unknown Open311 path (or method) answers with the spec's error list, not the HTML error page.
export const fallback: RequestHandler = ({ url, request }) =>
	renderError(formatOfPath(url.pathname), new Open311Error(404, `no GeoReport v2 method ${request.method} ${url.pathname}`));
