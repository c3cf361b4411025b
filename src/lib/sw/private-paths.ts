/**
 * Pages the service worker never keeps: staff pages (personal data) and the API. Tested
 * on the path as the server's router reads it — percent-decoded — so an encoded link
 * such as `/%63onsole/…`, which the server answers as `/console/…`, is not kept either.
 */
export function neverCached(pathname: string): boolean {
	let path = pathname;
	try {
		path = decodeURI(pathname);
	} catch {
		// A malformed escape: the server answers it with an error, nothing to keep either way.
		return true;
	}
	return /^\/+(console|api)(\/|$)/i.test(path);
}
