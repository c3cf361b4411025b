/**
 * Warnings this phone heard were lifted (a Cancel by push), kept in the Cache API so a
 * warning page kept for offline use never shows a lifted warning's instruction as
 * current: the worker records the Cancel, the page reads it when it opens.
 */
import { DEVICE_CACHE } from './device';

export const LIFTED_URL = '/alerts/lifted.json';
const KEEP = 200;

type Lifted = Record<string, string>;

async function read(): Promise<Lifted> {
	try {
		const response = await (await caches.open(DEVICE_CACHE)).match(LIFTED_URL);
		return response ? ((await response.json()) as Lifted) : {};
	} catch {
		return {};
	}
}

/** Records that warning `thread` was lifted at `at` (the newest 200 are kept). */
export async function recordLifted(thread: string, at: Date): Promise<void> {
	const all = Object.entries({ ...(await read()), [thread]: at.toISOString() }).slice(-KEEP);
	await (await caches.open(DEVICE_CACHE)).put(LIFTED_URL, new Response(JSON.stringify(Object.fromEntries(all)), { headers: { 'content-type': 'application/json' } }));
}

/** When the phone heard warning `thread` was lifted, or null. */
export async function liftedAt(thread: string): Promise<Date | null> {
	if (typeof caches === 'undefined') return null;
	const at = (await read())[thread];
	return at ? new Date(at) : null;
}

/** All lifted warnings the phone knows of (thread → when). */
export async function allLifted(): Promise<Map<string, Date>> {
	if (typeof caches === 'undefined') return new Map();
	return new Map(Object.entries(await read()).map(([k, v]) => [k, new Date(v)]));
}
