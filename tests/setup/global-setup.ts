/**
 * Vitest global setup: builds, once per run, a migrated database to copy for each
 * suite — a dumped PGlite data directory, and (when TEST_DATABASE_URL is set) a
 * template database on that PostgreSQL server. Suites then start from a fresh copy
 * in a second or two instead of creating PostGIS each time.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate, readMigrations } from '../../src/lib/server/db/migrate';
import { dumpPglite, openPglite } from '../../src/lib/server/db/pglite';
import { openPostgres } from '../../src/lib/server/db/postgres';

const DIR = path.resolve('.test-data');

declare module 'vitest' {
	export interface ProvidedContext {
		pgliteTemplate: string;
		postgresTemplate: string | null;
	}
}

function migrationsHash(): string {
	const hash = createHash('sha256');
	for (const m of readMigrations('supabase/migrations')) hash.update(m.file).update(m.sha256);
	return hash.digest('hex').slice(0, 16);
}

async function pgliteTemplate(hash: string): Promise<string> {
	const file = path.join(DIR, `pglite-${hash}.tar.gz`);
	if (fs.existsSync(file)) return file;
	const dataDir = fs.mkdtempSync(path.join(DIR, 'pglite-build-'));
	try {
		const db = await openPglite(dataDir);
		try {
			await migrate(db, readMigrations('supabase/migrations'));
		} finally {
			await db.close();
		}
		const dump = await dumpPglite(dataDir);
		// Written under a temporary name and renamed, so a half-written template is never used.
		fs.writeFileSync(`${file}.${process.pid}`, Buffer.from(await dump.arrayBuffer()));
		fs.renameSync(`${file}.${process.pid}`, file);
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
	return file;
}

export default async function setup(project: TestProject) {
	fs.mkdirSync(DIR, { recursive: true });
	const hash = migrationsHash();
	project.provide('pgliteTemplate', await pgliteTemplate(hash));

	const url = process.env.TEST_DATABASE_URL;
	if (!url) {
		project.provide('postgresTemplate', null);
		return;
	}
	const name = `safe_miyun_tpl_${hash}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	try {
		const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
		if (!exists.rowCount) {
			const building = `${name}_${process.pid}`;
			await admin.query(`create database ${building}`);
			const target = new URL(url);
			target.pathname = `/${building}`;
			const db = openPostgres(target.toString(), 1);
			try {
				await migrate(db, readMigrations('supabase/migrations'));
			} finally {
				await db.close();
			}
			// Renamed only when complete, so a half-built template is never used. Another
			// checkout may have finished the same template first: then drop ours.
			await admin.query(`alter database ${building} rename to ${name}`).catch(async (error: { code?: string }) => {
				if (error.code !== '42P04') throw error;
				await admin.query(`drop database ${building}`);
			});
		}
	} finally {
		await admin.end();
	}
	project.provide('postgresTemplate', name);
}
