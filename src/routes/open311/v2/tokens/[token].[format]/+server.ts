import * as open311 from '$lib/server/open311/api';
import { callOf } from '$lib/server/open311/event';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) => open311.token(callOf(event, event.params.format), event.params.token);
export const fallback: RequestHandler = open311.notAllowed('GET');
