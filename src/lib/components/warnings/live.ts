/**
 * What a page does with a live event: the event carries the warning now in force in
 * its thread (or null when it ended), so a list patches itself instead of asking the
 * server again.
 */
import { WARNING_LEVELS } from '$lib/hazards';

type Listed = { threadId: string; level: string; sent: Date | null };

/**
 * `version` is the data version with the change, or null when the event went out ahead of
 * the server's refresh: the `version` event that follows then says it.
 */
export type LiveEvent<W> = { thread: string; id: string | null; msgType: string | null; version: string | null; warning: W | null };

const DATES = ['sent', 'effective', 'expires', 'endedAt', 'onset'] as const;

/** Parses an event's data; its times arrive as ISO strings and become Dates, as in page data. */
export function readEvent<W>(data: string): LiveEvent<W> | null {
	try {
		const event = JSON.parse(data) as LiveEvent<Record<string, unknown>>;
		if (typeof event?.thread !== 'string') return null;
		const w = event.warning;
		if (w) for (const key of DATES) if (typeof w[key] === 'string') w[key] = new Date(w[key] as string);
		return event as unknown as LiveEvent<W>;
	} catch {
		return null;
	}
}

const rank = (level: string) => (WARNING_LEVELS as readonly string[]).indexOf(level);

/** The list with the event's thread replaced, added or removed; most severe first, then newest. */
export function patchList<W extends Listed>(list: readonly W[], event: LiveEvent<W>): W[] {
	const rest = list.filter((w) => w.threadId !== event.thread);
	if (event.warning) rest.push(event.warning);
	return rest.sort((a, b) => rank(b.level) - rank(a.level) || (b.sent?.getTime() ?? 0) - (a.sent?.getTime() ?? 0));
}

/** Data versions are `<hash>.<counter>`; the counter is per process, the hash names the data. */
export const sameData = (a: string | undefined, b: string | undefined) => !!a && !!b && a.split('.')[0] === b.split('.')[0];
