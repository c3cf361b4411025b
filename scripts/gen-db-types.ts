/** Writes src/lib/db-types.gen.ts from the schema that supabase/migrations builds. */
import fs from 'node:fs';
import { migrate, readMigrations } from '../src/lib/server/db/migrate';
import { openPglite } from '../src/lib/server/db/pglite';
import { MIGRATIONS_DIR } from '../src/lib/server/db/index';
import { generateTypes } from '../src/lib/server/db/schema-types';

const db = await openPglite();
try {
	await migrate(db, readMigrations(MIGRATIONS_DIR));
	fs.writeFileSync('src/lib/db-types.gen.ts', await generateTypes(db));
	console.log('wrote src/lib/db-types.gen.ts');
} finally {
	await db.close();
}
