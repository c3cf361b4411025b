/**
 * The fan-out engine of one server process. Several processes may run it against the
 * same database: each match step and each batch of recipients is claimed with SKIP
 * LOCKED, so they share the work without sending anything twice (except the rows a
 * crashed process held, once their lease runs out).
 *
 * Matching and sending run side by side: every match step queues the recipients of
 * one small polygon and wakes the senders, so the first message leaves while the rest
 * of the area is still being matched.
 */
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { isUnavailable } from '../db/unavailable';
import type { Channel } from './channel';
import { deleteEnded, expireOverdue, matchStep } from './queue';
import { sendOnce, warningCache } from './send';

export type EngineOptions = {
	db: Database;
	channels: Channel[];
	/** recipients per claimed batch */
	batch?: number;
	/** batches in flight per channel: with `batch`, the bound on duplicates after a crash */
	inFlight?: number;
	leaseSeconds?: number;
	pollMs?: number;
	onError?: (error: unknown) => void;
};

export type Engine = {
	/** something was queued or issued: look now rather than at the next poll */
	kick(): void;
	/** resolves when nothing is left to match or send right now (tests, benchmarks) */
	drained(): Promise<void>;
	stop(): Promise<void>;
};

export async function startDelivery(options: EngineOptions): Promise<Engine> {
	const { db, channels } = options;
	const batch = options.batch ?? 250;
	const inFlight = options.inFlight ?? 4;
	const leaseSeconds = options.leaseSeconds ?? 30;
	const pollMs = options.pollMs ?? 1000;
	const onError = options.onError ?? ((error) => console.error(`safe-miyun: delivery: ${(error as Error).message}`));
	let stopped = false;
	let stopNow = () => {};
	const stopping = new Promise<void>((resolve) => (stopNow = resolve));
	const wakers = new Set<() => void>();
	const kick = () => {
		for (const wake of [...wakers]) wake();
	};
	const sleep = () =>
		new Promise<void>((resolve) => {
			const wake = () => {
				clearTimeout(timer);
				wakers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, pollMs);
			timer.unref();
			wakers.add(wake);
		});

	// The database went away: the port has logged it once; wait until it is back
	// (its probe backs off with jitter) rather than fail and log once a poll.
	const waitIfUnavailable = async (error: unknown) => {
		if (!isUnavailable(error)) return false;
		await Promise.race([db.whenAvailable(), stopping]);
		return true;
	};

	// Report updates and SMS texts are rows of the same queue: each channel's lanes claim
	// them with its warning messages (channel.sendTemplated), in next_at order.
	const warnings = warningCache(db);
	const sending = { batch, leaseSeconds, warnings: warnings.load, onError };

	let matching = false;
	const active = new Map<string, number>();
	const idle = () => !matching && [...active.values()].every((n) => n === 0);

	async function matcher() {
		while (!stopped) {
			matching = true;
			try {
				// one transaction: the step's row lock is held until its recipients are queued
				const step = await asService(db, matchStep);
				if (step) {
					if (step.queued > 0) kick();
					continue;
				}
			} catch (error) {
				if (!(await waitIfUnavailable(error))) onError(error);
			}
			matching = false;
			await sleep();
		}
	}

	/** `lanes` loops, each sending one batch after another; asleep while there is nothing to send. */
	async function sender(name: string, lanes: number, send: () => Promise<number>) {
		const loops = Array.from({ length: lanes }, async () => {
			while (!stopped) {
				active.set(name, (active.get(name) ?? 0) + 1);
				let handled = 0;
				try {
					handled = await send();
				} catch (error) {
					if (!(await waitIfUnavailable(error))) onError(error);
				} finally {
					active.set(name, active.get(name)! - 1);
				}
				if (handled === 0) await sleep();
			}
		});
		await Promise.all(loops);
	}

	// The payload is the issued message's id: load what its recipients will receive
	// while its first cell is being matched, not after.
	// After the LISTEN connection comes back, a kick is the catch-up: the match and
	// claim queries find whatever was issued or queued while it was away.
	const unlisten = await db.listen(
		'deliveries',
		(id) => {
			if (/^[0-9a-f-]{36}$/.test(id)) void warnings.load(id).catch(() => {});
			kick();
		},
		kick
	);
	const upkeep = setInterval(() => {
		void asService(db, async (tx) => {
			if ((await expireOverdue(tx)) > 0) kick();
			await deleteEnded(tx);
		}).catch((error) => isUnavailable(error) || onError(error));
	}, 10_000);
	upkeep.unref();
	const loops = [
		matcher(),
		...channels.map((c) => sender(c.channel, inFlight, () => sendOnce(db, c, sending)))
	];
	// Templated messages of a channel without sendTemplated stay queued for the console.
	const templated = channels.filter((c) => c.sendTemplated).map((c) => c.channel);

	return {
		kick,
		async drained() {
			for (;;) {
				await new Promise((r) => setTimeout(r, 50));
				if (!idle()) continue;
				const [left] = await asService(db, (tx) =>
					tx.query<{ n: number }>(
						`select (select count(*) from public.deliveries where next_step is not null)
						      + (select count(*) from public.delivery_queue
						          where state = 'queued' and next_at <= now() and (template is null or channel = any($1::public.delivery_channel[]))) as n`,
						[templated]
					)
				);
				if (Number(left!.n) === 0 && idle()) return;
				kick();
			}
		},
		async stop() {
			stopped = true;
			stopNow();
			clearInterval(upkeep);
			kick();
			await unlisten();
			await Promise.all(loops);
		}
	};
}
