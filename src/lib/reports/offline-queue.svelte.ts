/**
 * The /report page's offline queue: what waits on the device, what it has sent, and
 * when it tries again. Kept out of the page so it can be tested without a browser; the
 * browser parts (IndexedDB, localStorage, fetch, whether the device is online) come in
 * as `QueueDevice`, the real one by default.
 */
import * as store from './offline-store';
import type { Refused, Sent, Waiting } from './offline-store';

export type QueueDevice = Pick<typeof store, 'keep' | 'waiting' | 'sent' | 'refused' | 'forgetRefused' | 'flush'> & { online: () => boolean };

const browser: QueueDevice = { ...store, online: () => navigator.onLine };

/** The longest wait between tries after busy answers, in seconds. */
const LONGEST_WAIT = 300;
/** After a 503 to the form itself: the first try of the kept report. */
const AFTER_BUSY_FORM_MS = 5000;

export class OfflineQueue {
	waiting = $state<Waiting[]>([]);
	sent = $state<Sent[]>([]);
	/** Kept reports the server refused for good, with its reason: shown until the resident has read them. */
	refused = $state<Refused[]>([]);
	/** Why what waits has not gone: no network, the server busy (5xx), or the sending limit (429) — with the minutes to the next try. */
	held = $state<{ why: 'offline' | 'busy' | 'limited'; minutes: number }>({ why: 'offline', minutes: 0 });

	#device: QueueDevice;
	#random: () => number;
	#retries = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(device: QueueDevice = browser, random = Math.random) {
		this.#device = device;
		this.#random = random;
	}

	async refresh(): Promise<void> {
		this.waiting = await this.#device.waiting().catch(() => []);
		this.sent = this.#device.sent();
		this.refused = this.#device.refused();
	}

	/** The resident has read why a report was refused. */
	dismiss(key: string): void {
		this.#device.forgetRefused(key);
		this.refused = this.#device.refused();
	}

	/**
	 * Sends what waits. After a busy answer (503 while the database is away), tries again
	 * when the server said, a little later each time and never in step with every other
	 * phone.
	 */
	send = async (): Promise<void> => {
		clearTimeout(this.#timer);
		if (!this.#device.online()) {
			this.held = { why: 'offline', minutes: 0 };
			return;
		}
		const done = await this.#device.flush().catch(() => undefined);
		await this.refresh();
		if (done?.retryAfter && this.waiting.length) {
			const seconds = Math.min(LONGEST_WAIT, done.retryAfter * 2 ** Math.min(this.#retries++, 5)) * (1 + this.#random() / 2);
			this.held = { why: done.limited ? 'limited' : 'busy', minutes: Math.max(1, Math.ceil(seconds / 60)) };
			this.#timer = setTimeout(() => void this.send(), seconds * 1000);
		} else {
			this.#retries = 0;
			// Still waiting after a send that did not reach the server: the network is not there.
			this.held = { why: 'offline', minutes: 0 };
		}
	};

	/**
	 * Keeps a form on the device: offline, or (`busy`) after the server answered 503, when
	 * it goes a moment later under its idempotency key.
	 */
	async hold(form: FormData, busy = false): Promise<void> {
		await this.#device.keep(form);
		await this.refresh();
		// Kept after a 503: the server is busy, not the network gone.
		this.held = busy ? { why: 'busy', minutes: 1 } : { why: 'offline', minutes: 0 };
		if (busy) this.#timer = setTimeout(() => void this.send(), AFTER_BUSY_FORM_MS);
	}

	/** In the browser, once mounted: lists and sends what waits, and again when back online. Returns the cleanup. */
	start(): () => void {
		void this.refresh().then(this.send);
		const online = () => void this.send();
		window.addEventListener('online', online);
		return () => {
			clearTimeout(this.#timer);
			window.removeEventListener('online', online);
		};
	}
}
