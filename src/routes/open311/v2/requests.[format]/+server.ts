import * as open311 from '$lib/server/open311/api';
import { callOf } from '$lib/server/open311/event';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) => open311.requests(callOf(event, event.params.format));
export const POST: RequestHandler = (event) => open311.create(callOf(event, event.params.format));
export const fallback: RequestHandler = open311.notAllowed('GET, POST');
