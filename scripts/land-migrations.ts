/**
 * `npm run migrations:land`: records the hash of every migration not yet listed in
 * supabase/landed-migrations.txt. Run it when a change lands on main: from then on the
 * file is frozen (src/lib/server/db/landed.spec.ts fails when its content changes), because
 * every existing database has applied it and the migrator refuses an edited applied file.
 * Lines already listed are never rewritten.
 */
import fs from 'node:fs';
import { MIGRATIONS_DIR } from '../src/lib/server/db/index';
import { LANDED_FILE, readLanded } from '../src/lib/server/db/landed';
import { readMigrations } from '../src/lib/server/db/migrate';

const landed = readLanded(LANDED_FILE);
const added = readMigrations(MIGRATIONS_DIR).filter((m) => !landed.has(m.file));
if (added.length) fs.appendFileSync(LANDED_FILE, added.map((m) => `${m.sha256}  ${m.file}\n`).join(''));
console.log(added.length ? `landed: ${added.map((m) => m.file).join(', ')}` : 'every migration is already listed');
