import { eventStream } from '$lib/server/warnings/live';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

// Server-Sent Events: one message per warning issued, updated or cancelled (ids only).
export const GET: RequestHandler = ({ request }) => eventStream(services().db, request.signal);
