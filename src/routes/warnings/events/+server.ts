import { eventStream, eventStreamHead } from '$lib/server/public/events';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

// Server-Sent Events: each warning issued, updated, cancelled or expired, with its text in the page's language.
// In production scripts/serve.js answers this path before SvelteKit (events.ts, serveEvents); this route
// serves `vite dev` and a bare `node build/index.js`.
export const GET: RequestHandler = ({ request, url, locals }) => eventStream(services().db, request, url, locals.lang);
export const HEAD: RequestHandler = () => eventStreamHead();
