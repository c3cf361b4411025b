/**
 * One `/warnings/events` stream per page, shared by whoever listens (the live list, the
 * earthquake early-warning watch): a second stream per open page would double what a
 * surge costs the server. Opened on first use, closed when the last user lets go.
 */
let shared: EventSource | null = null;
let users = 0;

/**
 * `since`: the data version the page shows, sent when this call opens the stream (a stream
 * opening on newer data sends the version at once; see public/events.ts). A stream already
 * open has delivered every change since it opened.
 */
export function liveSource(since?: string): { source: EventSource; release(): void } {
	shared ??= new EventSource(since ? `/warnings/events?since=${encodeURIComponent(since)}` : '/warnings/events');
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
