import pg from 'pg';
import { availability, type Availability } from './availability';
import { pgListener } from './listener';
import type { Database, Queryable, Row } from './port';
import { classify, isUnavailable } from './unavailable';

// Match PGlite: counts (int8) as numbers, dates as 'YYYY-MM-DD' strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/** Runs one operation; a lost database becomes DatabaseUnavailableError and a state change. */
async function guarded<T>(state: Availability, work: () => Promise<T>): Promise<T> {
	try {
		const result = await work();
		state.succeeded();
		return result;
	} catch (error) {
		const typed = classify(error);
		if (isUnavailable(typed)) state.failed(typed.reason);
		else state.succeeded(); // the database answered, if only to refuse
		throw typed;
	}
}

function wrap(client: pg.PoolClient | pg.Pool): Queryable {
	return {
		async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
			return (await client.query<T>(sql, params as unknown[])).rows;
		},
		async exec(sql: string) {
			await client.query(sql);
		}
	};
}

/**
 * A pooled connection with a transaction begun. A pooled connection the server killed
 * while it sat idle (a restart, pg_terminate_backend) may not have told the pool yet:
 * its `begin` fails, nothing has happened, so another connection is taken.
 */
async function begin(pool: pg.Pool): Promise<pg.PoolClient> {
	for (let attempt = 1; ; attempt++) {
		const client = await pool.connect();
		try {
			await client.query('begin');
			return client;
		} catch (error) {
			client.release(error as Error);
			if (attempt >= 3 || !isUnavailable(classify(error))) throw error;
		}
	}
}

/** A node-postgres pool behind the port. */
export function openPostgres(url: string, max = 10): Database {
	const settings = { connectionString: url, application_name: 'safe-miyun' };
	// A request waits at most this long for a connection while the database is away,
	// then gets a 503 (a network drop would otherwise hang it).
	const pool = new pg.Pool({ ...settings, max, keepAlive: true, connectionTimeoutMillis: 5000 });
	const state = availability(async () => {
		await pool.query('select 1');
	});
	// A client that loses its connection must never crash the process with an unhandled
	// 'error' event. The pool listens only while a client is idle (and then replaces it);
	// a checked-out one can get the server's FATAL in the same network read as the
	// answer to its last statement, before its caller could attach a listener. So every
	// client gets one for its whole life; its next statement fails as unavailable.
	const lost = (error: Error) => {
		const typed = classify(error);
		if (isUnavailable(typed)) state.failed(typed.reason);
	};
	pool.on('connect', (client) => client.on('error', lost));
	pool.on('error', lost);
	const listener = pgListener(settings);
	const direct = wrap(pool);

	return {
		kind: 'postgres',
		query: (sql, params) => guarded(state, () => direct.query(sql, params)),
		exec: (sql) => guarded(state, () => direct.exec(sql)),
		transaction: (work) =>
			guarded(state, async () => {
				const client = await begin(pool);
				// A checked-out client has no pool listener: its connection dying between
				// two statements must not become an unhandled 'error' event.
				let broken: Error | undefined;
				const onError = (error: Error) => (broken = error);
				client.on('error', onError);
				try {
					const result = await work(wrap(client));
					await client.query('commit');
					return result;
				} catch (error) {
					if (!broken && !isUnavailable(classify(error))) await client.query('rollback').catch(() => undefined);
					else broken ??= error as Error;
					throw error;
				} finally {
					client.off('error', onError);
					// A broken connection is thrown away, not given to the next caller.
					client.release(broken);
				}
			}),
		listen: (channel, onPayload, onResume) => listener.listen(channel, { onPayload, onResume }),
		status: () => {
			const live = listener.down();
			return live ? { ...state.status(), live } : state.status();
		},
		whenAvailable: () => state.whenAvailable(),
		async close() {
			state.close();
			await listener.close();
			await pool.end();
		}
	};
}
