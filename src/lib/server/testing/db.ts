/**
 * Real databases for tests: every database suite runs against PGlite, and also
 * against the PostgreSQL in TEST_DATABASE_URL when it is set. Each `open()` gives a
 * fresh copy of the migrated template; `close()` throws it away.
 */
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { asCaller, type Claims } from '../db/caller';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import type { Database, Queryable } from '../db/port';
import { addStaff } from '../staff';

export type Backend = { name: 'pglite' | 'postgres'; open(): Promise<Database> };

async function openPgliteCopy(): Promise<Database> {
	const template = fs.readFileSync(inject('pgliteTemplate'));
	const db = await openPglite(undefined, new Blob([template]));
	await db.exec('set search_path to "$user", public, extensions');
	return db;
}

/** A fresh database copied from the migrated template, for a test that needs its URL (another process). */
export async function postgresCopy(url: string, template: string): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `safe_miyun_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	try {
		await admin.query(`create database ${name} template ${template}`);
	} finally {
		await admin.end();
	}
	const target = new URL(url);
	target.pathname = `/${name}`;
	return {
		url: target.toString(),
		drop: async () => {
			const dropper = new pg.Client({ connectionString: url });
			await dropper.connect();
			try {
				await dropper.query(`drop database if exists ${name} with (force)`);
			} finally {
				await dropper.end();
			}
		}
	};
}

async function openPostgresCopy(url: string, template: string): Promise<Database> {
	const copy = await postgresCopy(url, template);
	const db = openPostgres(copy.url, 4);
	return {
		...db,
		close: async () => {
			await db.close();
			await copy.drop();
		}
	};
}

export function backends(): Backend[] {
	const list: Backend[] = [{ name: 'pglite', open: openPgliteCopy }];
	const url = process.env.TEST_DATABASE_URL;
	const template = inject('postgresTemplate');
	if (url && template) list.push({ name: 'postgres', open: () => openPostgresCopy(url, template) });
	return list;
}

/** Shorthand: run `work` as a caller with these claims. */
export function as<T>(db: Database, claims: Claims, work: (tx: Queryable) => Promise<T>): Promise<T> {
	return asCaller(db, claims, work);
}

/** The SQLSTATE of a failed query, or null if it succeeded. */
export async function sqlState(work: Promise<unknown>): Promise<string | null> {
	try {
		await work;
		return null;
	} catch (error) {
		return (error as { code?: string }).code ?? 'unknown';
	}
}

/**
 * Adds a staff member and returns the claims a test acts as. The unit is a department
 * or a township; by default, the emergency management bureau.
 */
export async function staffClaims(
	db: Database,
	email: string,
	role: string,
	unit: { departmentCode?: string; townCode?: string } = { departmentCode: 'emergency' }
): Promise<Claims> {
	const { userId } = await addStaff(db, { email, password: 'correct horse battery', role, ...unit });
	return { role: 'authenticated', sub: userId, email };
}
