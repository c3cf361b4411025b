/**
 * The admin CLI: `npm run admin -- <command>`.
 *
 *   staff add --email E --password P --role R (--department CODE | --town CODE) [--name N]
 *             with Supabase Auth (PUBLIC_SUPABASE_URL set): no --password; the user must
 *             exist in Supabase already, and gets its staff profile
 *   staff list
 *   staff duty --email E (--phone P | --off)   duty texts about overdue reports to a dispatcher
 *   apikey create --name N --role R        prints only the new key (shown once, stored hashed)
 *   apikey list
 *   apikey revoke --name N
 *   geo import --layer L --file F [--crs C] import a GeoJSON layer (towns, villages, water,
 *                                           hazard_points), all or nothing; C: wgs84, gcj02, bd09
 *   geo export --layer L                    print a layer in the same format
 *   migrate                                 apply pending migrations and exit
 *   data export --out FILE                  the embedded database's rows as SQL (DATA_DIR)
 *   data import --file FILE                 replace every row with FILE's (after migrating)
 *
 * Uses the same settings as the server (DATABASE_URL, or DATA_DIR for the embedded
 * database, which it refuses to open while a server holds it).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { API_KEY_ROLES, createApiKey, type ApiKeyRole } from '../src/lib/server/auth/api-keys';
import { readConfig } from '../src/lib/server/config';
import { openDatabase, type Database } from '../src/lib/server/db';
import { asService } from '../src/lib/server/db/caller';
import { loadData } from '../src/lib/server/db/transfer';
import { addStaff, InputError, linkStaff } from '../src/lib/server/staff';
import { exportLayer, GEO_LAYERS, type GeoLayer } from '../src/lib/server/geography';
import { exportPoints } from '../src/lib/server/geography/hazard-points';
import { importLayer } from '../src/lib/server/geography/upload';
import { readFileSync } from 'node:fs';
import mapMessages from '../src/lib/i18n/locales/en/map.json';

const USAGE = `usage: npm run admin -- <command>
  staff add --email E --password P --role R (--department CODE | --town CODE) [--name N]
  staff list
  staff duty --email E (--phone P | --off)
  apikey create --name N --role R      (R: ${API_KEY_ROLES.join(', ')})
  apikey list
  apikey revoke --name N
  geo import --layer L --file F [--crs wgs84|gcj02|bd09]   (L: ${GEO_LAYERS.join(', ')})
  geo export --layer L
  migrate
  data export --out FILE
  data import --file FILE`;

class UsageError extends Error {}

function need(values: Record<string, string | boolean | undefined>, name: string): string {
	const value = values[name];
	if (typeof value !== 'string' || !value.trim()) throw new UsageError(`--${name} is required`);
	return value;
}

type Command = (db: Database, args: string[]) => Promise<void>;

function geoLayer(raw: string): GeoLayer {
	if (!(GEO_LAYERS as readonly string[]).includes(raw)) throw new UsageError(`--layer must be one of ${GEO_LAYERS.join(', ')}`);
	return raw as GeoLayer;
}

const commands: Record<string, Command> = {
	'staff add': async (db, args) => {
		const { values } = parseArgs({
			args,
			options: {
				email: { type: 'string' },
				password: { type: 'string' },
				role: { type: 'string' },
				department: { type: 'string' },
				town: { type: 'string' },
				name: { type: 'string' }
			},
			strict: true
		});
		const profile = {
			email: need(values, 'email'),
			role: need(values, 'role'),
			departmentCode: values.department ?? null,
			townCode: values.town ?? null,
			displayName: values.name ?? null
		};
		const { userId } = readConfig().supabase
			? await linkStaff(db, profile)
			: await addStaff(db, { ...profile, password: need(values, 'password') });
		console.error(`staff member added: ${values.email} (${values.role})`);
		console.log(userId);
	},
	'staff list': async (db) => {
		const rows = await asService(db, (tx) =>
			tx.query(
				'select email, role, coalesce(department_code, town_code) as unit, active from public.staff order by email'
			)
		);
		console.table(rows);
	},
	'staff duty': async (db, args) => {
		const { values } = parseArgs({ args, options: { email: { type: 'string' }, phone: { type: 'string' }, off: { type: 'boolean' } }, strict: true });
		const email = need(values, 'email').trim().toLowerCase();
		const phone = values.off ? null : need(values, 'phone').replace(/[\s-]/g, '');
		if (phone !== null && !/^1[3-9][0-9]{9}$/.test(phone)) throw new InputError('phone', 'must be a mainland mobile number (11 digits)');
		const rows = await asService(db, (tx) =>
			tx.query('update public.staff set duty_phone = coalesce($2, duty_phone), on_duty = $3 where email = $1 returning email', [email, phone, phone !== null])
		);
		if (!rows.length) throw new InputError('email', `no staff member ${email}`);
		console.error(phone ? `${email} is on duty; texts go to ${phone}` : `${email} is off duty`);
	},
	'apikey create': async (db, args) => {
		const { values } = parseArgs({ args, options: { name: { type: 'string' }, role: { type: 'string' } }, strict: true });
		const name = need(values, 'name').trim();
		const role = need(values, 'role');
		if (!(API_KEY_ROLES as readonly string[]).includes(role)) {
			throw new InputError('role', `"${role}" is not an API key role (one of: ${API_KEY_ROLES.join(', ')})`);
		}
		if (name.length > 80) throw new InputError('name', 'must be at most 80 characters');
		const taken = await asService(db, (tx) => tx.query('select 1 from public.api_keys where name = $1', [name]));
		if (taken.length) throw new InputError('name', `an API key named "${name}" exists already`);
		// Only the key on stdout, so `KEY=$(npm run -s admin -- apikey create …)` works.
		console.log(await createApiKey(db, name, role as ApiKeyRole));
		console.error('This key is shown once. Store it now; only its hash is kept.');
	},
	'apikey list': async (db) => {
		const rows = await asService(db, (tx) =>
			tx.query('select name, role, prefix, created_at, last_used_at, revoked_at from public.api_keys order by name')
		);
		console.table(rows);
	},
	'apikey revoke': async (db, args) => {
		const { values } = parseArgs({ args, options: { name: { type: 'string' } }, strict: true });
		const rows = await asService(db, (tx) =>
			tx.query('update public.api_keys set revoked_at = now() where name = $1 and revoked_at is null returning id', [
				need(values, 'name')
			])
		);
		if (!rows.length) throw new InputError('name', `no active API key named "${values.name}"`);
		console.error(`revoked: ${values.name}`);
	},
	'geo import': async (db, args) => {
		const { values } = parseArgs({ args, options: { layer: { type: 'string' }, file: { type: 'string' }, crs: { type: 'string' } }, strict: true });
		const layer = geoLayer(need(values, 'layer'));
		const crs = values.crs ?? 'wgs84';
		if (crs !== 'wgs84' && crs !== 'gcj02' && crs !== 'bd09') throw new UsageError('--crs must be wgs84, gcj02 or bd09');
		const content = readFileSync(need(values, 'file'), 'utf8');
		// One transaction as the service role: nothing is written unless every feature is clean.
		const outcome = await asService(db, (tx) => importLayer(tx, layer, content, crs));
		if (outcome.errors.length) {
			const say = (key: string) => (mapMessages.map.import as Record<string, string>)[key.replace(/^map\.import\./, '')] ?? key;
			for (const e of outcome.errors) console.error(`${e.row ? `feature ${e.row}` : 'file'}${e.column ? ` ${e.column}` : ''}: ${say(e.message)}${e.detail ? ` (${e.detail})` : ''}`);
			throw new InputError('file', `${outcome.errors.length} problem(s); nothing was imported`);
		}
		console.error(`imported ${outcome.written} feature(s) into ${layer}`);
	},
	'geo export': async (db, args) => {
		const { values } = parseArgs({ args, options: { layer: { type: 'string' } }, strict: true });
		const layer = geoLayer(need(values, 'layer'));
		console.log(await asService(db, (tx) => (layer === 'hazard_points' ? exportPoints(tx) : exportLayer(tx, layer))));
	},
	migrate: async () => {
		// openDatabase has applied them already.
	},
	'data export': async (db, args) => {
		const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
		if (!db.dumpData) throw new InputError('out', 'data export reads the embedded database: unset DATABASE_URL');
		fs.writeFileSync(need(values, 'out'), await db.dumpData());
		console.error(`written: ${values.out}`);
	},
	'data import': async (db, args) => {
		const { values } = parseArgs({ args, options: { file: { type: 'string' } }, strict: true });
		const { tables } = await loadData(db, fs.readFileSync(need(values, 'file'), 'utf8'));
		console.error(`loaded: ${values.file} (${tables} tables replaced)`);
	}
};

async function main(argv: string[]): Promise<number> {
	const key = [`${argv[0]} ${argv[1]}`, argv[0]].find((k) => k && k in commands);
	if (!key) {
		console.error(argv.length ? `unknown command: ${argv.slice(0, 2).join(' ')}\n${USAGE}` : USAGE);
		return 2;
	}
	const rest = argv.slice(key.split(' ').length);
	const config = readConfig();
	const { db, migrated } = await openDatabase(config, 'admin CLI');
	try {
		if (migrated.applied.length) console.error(`applied: ${migrated.applied.join(', ')}`);
		await commands[key]!(db, rest);
		return 0;
	} finally {
		await db.close();
	}
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error: Error) => {
		const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
		console.error(`admin: ${error.message.split('\n')[0]}${usage ? `\n${USAGE}` : ''}`);
		process.exit(usage ? 2 : 1);
	}
);
