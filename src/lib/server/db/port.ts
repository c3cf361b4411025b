/**
 * The one small port every piece of server code uses to reach Postgres.
 *
 * Two adapters implement it: PGlite in-process (the embedded default) and a
 * node-postgres pool (any PostgreSQL with PostGIS, or Supabase). Code above this
 * line never knows which one it talks to.
 */

export type Row = Record<string, unknown>;

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
	/** LISTEN on a channel; resolves to a function that stops listening. */
	listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
	close(): Promise<void>;
	/**
	 * PGlite reads the array types once, when it opens: after migrations created new
	 * enums, it must read them again or an enum-array parameter is refused
	 * ("malformed array literal"). node-postgres needs nothing.
	 */
	refreshTypes?(): Promise<void>;
}
