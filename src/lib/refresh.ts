import { invalidateAll } from '$app/navigation';

/**
 * Reloads the page's data, unless the device is offline. SvelteKit answers a data
 * request that cannot reach the server with a full navigation to the same address,
 * which offline is the browser's "no internet" page: the list a village cadre was
 * marking, and the marks waiting on the device, would be gone from the screen.
 * Returns whether it reloaded.
 */
export async function refreshData(): Promise<boolean> {
	if (typeof navigator !== 'undefined' && navigator.onLine === false) return false;
	await invalidateAll();
	return true;
}
