/** The hooks of public delivery, composed in hooks.server.ts: compression, then the page cache. */
import type { Handle } from '@sveltejs/kit';
import { building } from '$app/environment';
import { services } from '../runtime';
import { PageCache } from './page-cache';
import { publicData } from './read-model';

export { compress } from './compress';

let cache: PageCache | null = null;

export const publicPages: Handle = ({ event, resolve }) => {
	if (building) return resolve(event);
	cache ??= new PageCache(async () => (await publicData(services().db).get()).version);
	return cache.handle({ event, resolve });
};
