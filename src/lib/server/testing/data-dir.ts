import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgisExtension } from '../db/postgis-bundle';
import { inject } from 'vitest';

/** A DATA_DIR holding a migrated embedded database (from the test template), for process-level tests. */
export async function migratedDataDir(): Promise<string> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-miyun-data-'));
	const pg = await PGlite.create(path.join(dataDir, 'pgdata'), {
		extensions: { postgis: postgisExtension() },
		loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))])
	});
	await pg.close();
	return dataDir;
}
