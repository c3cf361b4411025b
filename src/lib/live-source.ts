/**
 * One `/warnings/events` stream per page, shared by whoever listens (the live list, the
 * earthquake early-warning watch): a second stream per open page would double what a
 * surge costs the server. Opened on first use, closed when the last user lets go.
 */
let shared: EventSource | null = null;
let users = 0;

export function liveSource(): { source: EventSource; release(): void } {
	shared ??= new EventSource('/warnings/events');
	users += 1;
	const source = shared;
	let released = false;
	return {
		source,
		release() {
			if (released) return;
			released = true;
			users -= 1;
			if (users === 0 && shared === source) {
				source.close();
				shared = null;
			}
		}
	};
}
