import pg from 'pg';
import type { Database, Queryable, Row } from './port';

// Match PGlite: counts (int8) as numbers, dates as 'YYYY-MM-DD' strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

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

/** A node-postgres pool behind the port. */
export function openPostgres(url: string, max = 10): Database {
	const pool = new pg.Pool({ connectionString: url, max, application_name: 'safe-miyun' });
	// An idle client that loses its connection must not crash the process; the pool replaces it.
	pool.on('error', (error) => console.error(`database: idle connection lost: ${error.message}`));
	const direct = wrap(pool);

	return {
		kind: 'postgres',
		query: (sql, params) => direct.query(sql, params),
		exec: (sql) => direct.exec(sql),
		async transaction(work) {
			const client = await pool.connect();
			try {
				await client.query('begin');
				const result = await work(wrap(client));
				await client.query('commit');
				return result;
			} catch (error) {
				await client.query('rollback').catch(() => undefined);
				throw error;
			} finally {
				client.release();
			}
		},
		async listen(channel, onPayload) {
			// LISTEN needs a connection of its own for as long as it listens.
			const client = await pool.connect();
			const handler = (message: pg.Notification) => {
				if (message.channel === channel) onPayload(message.payload ?? '');
			};
			client.on('notification', handler);
			await client.query(`listen ${pg.escapeIdentifier(channel)}`);
			return async () => {
				client.off('notification', handler);
				await client.query(`unlisten ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
				client.release();
			};
		},
		close: () => pool.end()
	};
}
