/**
 * The node-postgres adapter when the database goes away: connections killed by the
 * server (pg_terminate_backend, as a restart or failover does), a database that is not
 * there at all. Nothing may crash the process (Vitest fails a run on an unhandled
 * 'error' event), every failure is DatabaseUnavailableError, and LISTEN comes back by
 * itself and says from when it may have missed something.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { asService } from './caller';
import { openPostgres } from './postgres';
import type { Database } from './port';
import { DatabaseUnavailableError } from './unavailable';
import { postgresCopy } from '../testing/db';
import { subscribe } from '../warnings/live';
import { issueOver } from '../messaging/testing/fanout-fixture';

const url = process.env.TEST_DATABASE_URL;
const template = inject('postgresTemplate');

const until = async (check: () => boolean, ms = 15_000) => {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 25));
	}
};

describe('a database that is not there', () => {
	it('answers DatabaseUnavailableError at once, and says so in its status', async () => {
		const db = openPostgres('postgres://postgres@127.0.0.1:1/nothing', 2);
		try {
			const error = await db.query('select 1').catch((e) => e);
			expect(error).toBeInstanceOf(DatabaseUnavailableError);
			expect((error as DatabaseUnavailableError).reason).toBe('connection refused');
			const inTx = await db.transaction((tx) => tx.query('select 1')).catch((e) => e);
			expect(inTx).toBeInstanceOf(DatabaseUnavailableError);
			expect(db.status()).toMatchObject({ available: false, reason: 'connection refused' });
		} finally {
			await db.close();
		}
	});
});

describe.skipIf(!url || !template)('connections killed by the server (PostgreSQL)', () => {
	let copy: { url: string; drop(): Promise<void> };
	let db: Database;
	let admin: pg.Client;
	/** on the server's own database: the copy's settings cannot change from inside it */
	let server: pg.Client;
	const kill = () =>
		admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);

	beforeAll(async () => {
		copy = await postgresCopy(url!, template!);
		db = openPostgres(copy.url, 4);
		admin = new pg.Client({ connectionString: copy.url });
		await admin.connect();
		server = new pg.Client({ connectionString: url });
		await server.connect();
	});
	afterAll(async () => {
		await admin?.end();
		await server?.end();
		await db?.close();
		await copy?.drop();
	});

	it('pool: idle connections killed are replaced; a transaction cut short is DatabaseUnavailableError', async () => {
		await Promise.all([db.query('select 1'), db.query('select 1'), db.query('select 1')]);
		await kill();
		// a transaction that finds its pooled connection dead before it began takes another
		expect(await db.transaction((tx) => tx.query<{ n: number }>('select 1 as n'))).toEqual([{ n: 1 }]);

		const cut = await db
			.transaction(async (tx) => {
				await tx.query('select 1');
				await kill();
				await tx.query('select pg_sleep(0.2)');
			})
			.catch((e) => e);
		expect(cut).toBeInstanceOf(DatabaseUnavailableError);
		// the broken connection went back to no one: the next callers all get working ones
		const again = await Promise.all(Array.from({ length: 6 }, () => db.transaction((tx) => tx.query<{ n: number }>('select 2 as n'))));
		expect(again.flat()).toEqual(Array.from({ length: 6 }, () => ({ n: 2 })));
		expect(db.status()).toEqual({ available: true });
	});

	it('LISTEN reconnects after its connection is killed, and resumes from before the gap', async () => {
		const got: string[] = [];
		const resumed: string[] = [];
		const stop = await db.listen('fault_test', (p) => got.push(p), (since) => resumed.push(since));
		try {
			await admin.query(`notify fault_test, 'before'`);
			await until(() => got.includes('before'));
			const killedAt = (await admin.query<{ now: Date }>('select now()')).rows[0]!.now;
			await kill();
			await until(() => resumed.length === 1);
			expect(Date.parse(resumed[0]!)).toBeLessThanOrEqual(killedAt.getTime());
			await admin.query(`notify fault_test, 'after'`);
			await until(() => got.includes('after'));
			expect(db.status().live).toBeUndefined();
		} finally {
			await stop();
		}
	});

	it('open streams get the warnings issued while LISTEN was away (a catch-up query)', async () => {
		const events: { id: string; msgType: string }[] = [];
		const unsubscribe = subscribe(db, (p) => events.push(JSON.parse(p)));
		const name = new URL(copy.url).pathname.slice(1);
		// another process, connected before the database stops taking new connections
		const other = openPostgres(copy.url, 1);
		try {
			const [{ pid }] = (await other.query<{ pid: number }>('select pg_backend_pid() as pid')) as [{ pid: number }];
			await server.query(`alter database ${name} with allow_connections false`);
			// this process's connections (LISTEN among them) are cut and cannot come back
			const [{ adminPid }] = (await admin.query<{ adminPid: number }>('select pg_backend_pid() as "adminPid"')).rows as [{ adminPid: number }];
			await server.query(`select pg_terminate_backend(a.pid) from pg_stat_activity a where a.datname = $1 and a.pid not in ($2, $3)`, [name, pid, adminPid]);
			const id = await issueOver(other, [40.3, 116.8, 40.35, 116.85]);
			await new Promise((r) => setTimeout(r, 300));
			expect(events.some((e) => e.id === id)).toBe(false);
			await server.query(`alter database ${name} with allow_connections true`);
			await until(() => events.some((e) => e.id === id), 20_000);
			expect(events.find((e) => e.id === id)).toMatchObject({ msgType: 'Alert' });
		} finally {
			await server.query(`alter database ${name} with allow_connections true`);
			await other.close();
			unsubscribe();
		}
	});

	it('background work waits for the database instead of failing: whenAvailable resolves when it is back', async () => {
		await kill();
		await db.query('select 1').catch(() => undefined);
		await db.whenAvailable();
		const [row] = await asService(db, (tx) => tx.query<{ ok: boolean }>('select true as ok'));
		expect(row).toEqual({ ok: true });
	});
});
