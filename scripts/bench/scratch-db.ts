/** A scratch PostgreSQL database for a benchmark, created on `base`'s server and dropped after. */
import pg from 'pg';

export async function scratchDatabase(base: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	await admin.query(`create database ${name}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: async () => {
			await admin.query(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	};
}
