/**
 * The running server's services, set once by hooks.server.ts `init` before the first
 * request. Process-wide parts only (database, identity, limits), never request data.
 */
import type { Services } from './services';

let current: Services | null = null;

export function setServices(services: Services | null): void {
	current = services;
}

export function services(): Services {
	if (!current) throw new Error('the server has not started yet');
	return current;
}
