/**
 * LISTEN for a node-postgres database: one connection of its own (not a pool client, so
 * closing the pool never waits for it), shared by every channel, that survives the
 * database going away. A lost connection (restart, failover, pg_terminate_backend, a
 * network drop found by the heartbeat) is reconnected with backoff and jitter and every
 * channel listened again; then each subscriber's `onResume(since)` runs, with the
 * database time of the last moment the connection was known good, so it can catch up
 * by a query on what NOTIFY could not tell it while it was away.
 */
import pg from 'pg';
import { consoleLog } from './availability';
import { backoffMs, unavailableReason } from './unavailable';

export type Subscriber = { onPayload(payload: string): void; onResume?(since: string): void };

const HEARTBEAT_MS = 5000;

export type Listener = {
	listen(channel: string, subscriber: Subscriber): Promise<() => Promise<void>>;
	/** null while connected, else why not */
	down(): string | null;
	close(): Promise<void>;
};

export function pgListener(config: pg.ClientConfig, log = consoleLog): Listener {
	const channels = new Map<string, Set<Subscriber>>();
	let client: pg.Client | null = null;
	let closed = false;
	let started: Promise<void> | null = null;
	/** why the connection is down (null: up); a new reason after "up" is one log line */
	let downReason: string | null = 'not connected yet';
	let everConnected = false;
	let missed = false;
	/** database time of the last moment the connection was known to work */
	let since = new Date(Date.now() - 5000).toISOString();
	let lost: () => void = () => {};
	let stopWaiting: () => void = () => {};
	/** resolves once the first connection attempt has succeeded or failed */
	let settleFirst: () => void = () => {};
	const firstAttempt = new Promise<void>((resolve) => (settleFirst = resolve));

	const quote = (channel: string) => pg.escapeIdentifier(channel);

	function dispatch(message: pg.Notification) {
		for (const subscriber of channels.get(message.channel) ?? []) {
			try {
				subscriber.onPayload(message.payload ?? '');
			} catch (error) {
				log.warn(`safe-miyun: listener of ${message.channel} failed: ${(error as Error).message}`);
			}
		}
	}

	async function connectOnce(): Promise<void> {
		const next = new pg.Client({ ...config, keepAlive: true, query_timeout: HEARTBEAT_MS, connectionTimeoutMillis: HEARTBEAT_MS });
		const gone = new Promise<string>((resolve) => {
			next.on('error', (error) => resolve(unavailableReason(error) ?? error.message));
			next.on('end', () => resolve('connection ended'));
			lost = () => resolve('closing');
		});
		next.on('notification', dispatch);
		try {
			await next.connect();
			for (const channel of channels.keys()) await next.query(`listen ${quote(channel)}`);
			const { rows } = await next.query<{ now: string }>(`select to_json(now()) #>> '{}' as now`);
			client = next;
			const previous = since;
			since = rows[0]!.now;
			if (downReason) {
				if (everConnected) log.info(`safe-miyun: live updates (LISTEN) reconnected; catching up since ${previous}`);
				downReason = null;
			}
			// Only a gap needs catching up: the very first connection missed nothing.
			if (everConnected || missed) {
				for (const subscribers of channels.values()) for (const s of subscribers) s.onResume?.(previous);
			}
			everConnected = true;
			settleFirst();
		} catch (error) {
			next.end().catch(() => undefined);
			throw error;
		}
		const heartbeat = setInterval(() => {
			next.query<{ now: string }>(`select to_json(now()) #>> '{}' as now`).then(
				({ rows }) => (since = rows[0]!.now),
				// A connection that does not answer is as good as lost (a network drop sends no error).
				() => (next as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy()
			);
		}, HEARTBEAT_MS);
		heartbeat.unref();
		const reason = await gone;
		clearInterval(heartbeat);
		client = null;
		next.removeAllListeners('notification');
		next.end().catch(() => undefined);
		if (!closed) {
			missed = true;
			downReason = reason;
			log.warn(`safe-miyun: live updates (LISTEN) lost (${reason}); reconnecting`);
		}
	}

	async function run() {
		for (let attempt = 0; !closed; ) {
			try {
				await connectOnce();
				attempt = 0;
			} catch (error) {
				missed = true;
				const reason = unavailableReason(error) ?? (error as Error).message.split('\n')[0]!;
				if (downReason === null || (!everConnected && attempt === 0)) log.warn(`safe-miyun: live updates (LISTEN) cannot connect (${reason}); retrying`);
				downReason = reason;
				attempt += 1;
				settleFirst();
			}
			if (closed) break;
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, backoffMs(attempt));
				stopWaiting = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}
	}

	return {
		async listen(channel, subscriber) {
			if (closed) throw new Error('the database is closed');
			let subscribers = channels.get(channel);
			if (!subscribers) {
				subscribers = new Set();
				channels.set(channel, subscribers);
				// If this fails the connection is going away, and the reconnect listens again.
				await client?.query(`listen ${quote(channel)}`).catch(() => undefined);
			}
			subscribers.add(subscriber);
			started ??= run();
			await firstAttempt;
			return async () => {
				subscribers.delete(subscriber);
				if (subscribers.size === 0 && channels.get(channel) === subscribers) {
					channels.delete(channel);
					await client?.query(`unlisten ${quote(channel)}`).catch(() => undefined);
				}
			};
		},
		down: () => (started ? downReason : null),
		async close() {
			closed = true;
			lost();
			stopWaiting();
			await client?.end().catch(() => undefined);
			await started;
		}
	};
}
