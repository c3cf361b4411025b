/**
 * A request's media type, as every route that checks one must compare it: the type and
 * subtype without parameters, lower-cased. RFC 9110 §8.3.1 makes them case-insensitive,
 * so `Application/JSON` is JSON (an outside tester found it refused with 415).
 */
export function mediaType(request: Request): string {
	return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}
