/**
 * A per-process sliding-window counter for anonymous traffic. With several server
 * processes each keeps its own count, so the effective limit is per process; that is
 * acceptable for flood protection (the database is the authority for anything that
 * must be exact).
 */
export class RateLimiter {
	#hits = new Map<string, number[]>();
	#lastSweep = 0;

	constructor(
		readonly limit: number,
		readonly windowMs: number
	) {}

	/** Counts a hit; returns 0 when allowed, else the seconds until the next is. */
	hit(key: string, now = Date.now()): number {
		this.#sweep(now);
		const since = now - this.windowMs;
		const list = (this.#hits.get(key) ?? []).filter((t) => t > since);
		if (list.length >= this.limit) {
			this.#hits.set(key, list);
			return Math.max(1, Math.ceil((list[0]! + this.windowMs - now) / 1000));
		}
		list.push(now);
		this.#hits.set(key, list);
		return 0;
	}

	#sweep(now: number) {
		if (now - this.#lastSweep < this.windowMs) return;
		this.#lastSweep = now;
		for (const [key, list] of this.#hits) {
			if (!list.some((t) => t > now - this.windowMs)) this.#hits.delete(key);
		}
	}
}
