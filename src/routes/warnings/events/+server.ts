import { eventStream } from '$lib/server/public/events';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

// Server-Sent Events: each warning issued, updated, cancelled or expired, with its text in the page's language.
export const GET: RequestHandler = ({ request, locals }) => eventStream(services().db, request.signal, locals.lang);
