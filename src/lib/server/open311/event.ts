/** The route's request event as an Open311 call: this request's caller, the process's database and limits. */
import type { RequestEvent } from '@sveltejs/kit';
import { findApiKey } from '../auth/api-keys';
import { services } from '../runtime';
import type { Call } from './api';

export function callOf(event: RequestEvent, format: string | undefined): Call {
	const { db, limits } = services();
	return {
		request: event.request,
		url: event.url,
		format,
		identity: event.locals.identity,
		db: event.locals.db,
		findKey: (key) => findApiKey(db, key),
		limits,
		clientAddress: event.getClientAddress()
	};
}
