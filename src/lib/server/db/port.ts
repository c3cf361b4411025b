/**
 * The one small port every piece of server code uses to reach Postgres.
 *
 * Two adapters implement it: PGlite in-process (the embedded default) and a
 * node-postgres pool (any PostgreSQL with PostGIS, or Supabase). Code above this
 * line never knows which one it talks to. When the database is not there (restart,
 * failover, lost connection, full disk) every operation rejects with
 * DatabaseUnavailableError (./unavailable.ts), never a driver's own error.
 */

export type Row = Record<string, unknown>;

/** Whether the database answers; `live` says why LISTEN is not connected, when it is not. */
export type DatabaseStatus = ({ available: true } | { available: false; reason: string; since: string }) & { live?: string };

export interface Queryable {
	/** One statement with $1.. parameters; rows as plain objects. */
	query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
	/** Several statements, no parameters (migrations, bootstrap). */
	exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
	readonly kind: 'embedded' | 'postgres';
	/** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
	transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
	/**
	 * LISTEN on a channel; resolves to a function that stops listening. The listening
	 * survives the database going away: after a reconnect `onResume` runs with the
	 * database time from which NOTIFYs may have been missed, to catch up by a query.
	 */
	listen(channel: string, onPayload: (payload: string) => void, onResume?: (since: string) => void): Promise<() => Promise<void>>;
	/** The last known state (no query); health asks the database itself as well. */
	status(): DatabaseStatus;
	/** Resolves at once when the database answers, else when it is back (background work waits here). */
	whenAvailable(): Promise<void>;
	close(): Promise<void>;
	/**
	 * PGlite reads the array types once, when it opens: after migrations created new
	 * enums, it must read them again or an enum-array parameter is refused
	 * ("malformed array literal"). node-postgres needs nothing.
	 */
	refreshTypes?(): Promise<void>;
	/**
	 * The embedded database keeps its extensions' install scripts in memory (PostGIS's is
	 * 7 MB); once migrations have run they are not needed by this process.
	 */
	releaseInstallScripts?(): Promise<void>;
	/** The embedded database's rows as SQL (db/transfer.ts), to move them to PostgreSQL. */
	dumpData?(): Promise<string>;
}
