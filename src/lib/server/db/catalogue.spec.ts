/**
 * The database's own catalogue, read on each backend: every table has RLS, every
 * security definer function pins its search_path, and everything `anon` may touch is on
 * the allow-list below with the reason. A new grant to anon fails this test until it is
 * added here, deliberately.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS } from './caller';
import type { Database } from './port';
import { as, backends, sqlState } from '../testing/db';

const OUR_SCHEMAS = ['public', 'app', 'app_private', 'auth'];

/** Tables and views anon may read (never write), and why. */
const ANON_TABLES: Record<string, string> = {
	'public.departments': 'public reference: names and phones of district departments',
	'public.district': 'public reference: the district outline',
	'public.towns': 'public reference: township names, codes and seats',
	'public.villages': 'public reference: village names and codes',
	'public.town_areas': 'public: approximate township areas drawn on warning maps',
	'public.report_categories': 'public: report categories and their service-standard hours',
	'public.report_routes': 'public: which unit handles a category (the report form says who will)',
	'public.hazard_shelter_exclusion': 'public: which hazards exclude shelters inside their warning area, with the reason shown',
	'public.hazard_points': 'public: geological hazard points for the maps (monitors and phones are in hazard_point_monitors, staff only)',
	'public.town_boundaries': 'public: imported township boundaries of the district',
	'public.village_areas': 'public: where each village is matched (its point buffered, polygon, or township)',
	'public.village_places': 'public: imported village points and polygons',
	'public.water_features': 'public: reservoirs and rivers as a map layer',
	'public.scenic_areas': 'public: scenic areas and their sourced facts',
	'public.scenic_status': 'public: whether a scenic area is open today',
	'public.shelters': 'public: shelters (RLS hides retired ones)',
	'public.evacuation_routes': 'public: evacuation routes to shelters',
	'public.volunteer_events': 'public once published (RLS hides drafts)',
	'public.volunteer_teams': 'public: team names per township (never members)',
	'public.warnings': 'public once issued (RLS hides drafts, pending, System and Draft status)',
	'public.warning_infos': 'public: the texts of the warnings anon may see',
	'public.eew_messages': 'public: earthquake early warnings as the network sent them (not who started a drill)'
};

/** Functions anon may execute, and why. Trigger functions are not callable and not listed. */
const ANON_FUNCTIONS: Record<string, string> = {
	'app.caller_role()': 'policies ask who is calling; null for anon',
	'app.staff_role()': 'policies ask; null for anon',
	'app.staff_department()': 'policies ask; null for anon',
	'app.staff_town()': 'policies ask; null for anon',
	'app.is_admin()': 'policies ask; false for anon',
	'app.organises(p_town text, p_department text)': 'event policies ask; false for anon',
	'app.organises_event(p_event uuid)': 'registration policies ask; false for anon',
	'app.organises_volunteer(p_volunteer uuid)': 'profile policies ask; false for anon',
	'app.event_seats(p_event uuid)': 'seats left on a public event: counts, never who',
	'app.active_hazard_areas(p_hazard hazard_code)': 'security invoker: areas of warnings anon can read anyway',
	'app.warning_in_force(w warnings)': 'pure rule on a row the caller already reads',
	'app.warning_needs_approval(p_status cap_status, p_msg cap_msg_type, p_level warning_level)': 'pure rule, no data',
	'app.delivery_ttl_seconds(p_hazard hazard_code, p_expires timestamp with time zone)': 'pure rule, no data',
	'app.assistant_token_ok(p_token text)': 'pure format check of a conversation token',
	'app.report_token_hash(p_token text)': 'pure hash of a tracking token the caller holds',
	'app.report_photo_ok(p_type text, p_bytes bytea)': 'pure check of photo bytes the caller sends',
	'app.report_route(p_category report_category, p_town text)': 'which unit would handle a report: shown on the form',
	'app.display_checkin(p_slug text)': 'a public display screen checks in: records when it was seen (at most once per 20 s) and returns its place, nothing else',
	'app.report_watch(p_ticket text, p_token text, p_subscription uuid, p_secret_hash text)': 'a phone follows its report: needs the tracking token and the subscription secret',
	'app.delivery_receipt(p_warning uuid, p_subscription uuid, p_event text)': 'service worker receipts (delivered/shown): counts only',
	'app.subscription_create(p_secret_hash text, p_channel delivery_channel, p_endpoint text, p_p256dh text, p_auth text, p_phone text, p_code_hash text, p_lang text, p_hazards hazard_code[], p_min_level warning_level, p_exercises boolean, p_until timestamp with time zone, p_places jsonb, p_replaces_secret_hash text)':
		'subscribing needs no account',
	'app.subscription_read(p_id uuid, p_secret_hash text)': 'the owner reads their subscription with its secret',
	'app.subscription_delete(p_id uuid, p_secret_hash text)': 'the owner deletes their subscription with its secret',
	'app.subscription_confirm(p_id uuid, p_secret_hash text, p_code_hash text)': 'the owner confirms an SMS subscription with its secret and code',
	'public.assistant_load(p_token text)': 'the assistant dialogue of the caller, by its token',
	'public.assistant_save(p_token text, p_channel text, p_state jsonb, p_minutes integer)': 'the assistant dialogue of the caller, by its token',
	'public.nearest_shelters(p_lat double precision, p_lon double precision, p_hazard hazard_code, p_limit integer)': 'security invoker: the public shelter search',
	'public.open311_requests(p_tickets text[], p_categories report_category[], p_from timestamp with time zone, p_to timestamp with time zone, p_open boolean, p_closed boolean, p_limit integer)':
		'Open311 GeoReport v2 reads: public fields only',
	'public.open311_media(p_key uuid)': 'Open311 media of a reviewed report, by its unguessable key',
	'app.area_touches(p_area geometry, p_place geometry)': 'the one "touched" rule public warning pages apply to townships and villages',
	'app.scenic_in_area(p_area geometry, p_location geometry, p_town text)': 'the one rule for "a warning reaches a scenic area", read by the public scenic pages',
	'app.shelter_exclusion_areas()': 'the offline shelter snapshot carries the warning areas that exclude shelters',
	'public.report_submit(p_key uuid, p_token text, p_category report_category, p_description text, p_town text, p_village text, p_address text, p_lon double precision, p_lat double precision, p_name text, p_phone text, p_photos jsonb)':
		'residents file reports without an account',
	'public.town_at(p_lon double precision, p_lat double precision)': 'security invoker: which township a located point lies in, from the public township areas',
	'public.report_track(p_token text)': 'the resident follows their report with its private token',
	'public.safety_mark(p_key uuid, p_thread uuid, p_status safety_status, p_place safety_place, p_phone text, p_share boolean)':
		'residents say "I am safe" / "I need help" without an account; always recorded as the web channel',
	'public.safety_lookup(p_phone text, p_client text)': 'a relative checks a shared "safe"; limited in the function itself, same answer for unknown numbers',
	'public.report_track_events(p_token text)': 'the resident follows their report with its private token',
	'public.report_track_photo(p_token text, p_photo bigint)': 'the resident follows their report with its private token',
	'public.report_track_photos(p_token text)': 'the resident follows their report with its private token',
	'public.report_track_expected(p_token text)': 'the resident sees which unit their report is expected to go to, before the desk dispatches it',
	'public.report_rate(p_token text, p_rating report_rating, p_reopen boolean)': 'the resident rates the answer with the private token',
	'public.report_join(p_report bigint, p_key uuid, p_name text, p_phone text, p_token text)': '"my problem too" on an open report, without an account, with the joiner\'s own tracking token',
	'public.reports_nearby(p_category report_category, p_lon double precision, p_lat double precision, p_village text, p_meters double precision)':
		'the report form shows open reports near a point (rounded distances)',
	'public.report_rates(p_from date, p_to date)': 'satisfaction and on-time rates: counts only'
};

describe.each(backends())('the catalogue on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('every table has row level security enabled', async () => {
		const rows = await db.query<{ name: string }>(
			`select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
			  where n.nspname = any($1::text[]) and c.relkind in ('r', 'p') and not c.relrowsecurity order by 1`,
			[OUR_SCHEMAS]
		);
		expect(rows.map((r) => r.name)).toEqual([]);
		// and the check sees tables at all
		const [n] = await db.query<{ n: number }>(
			`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
			  where n.nspname = any($1::text[]) and c.relkind = 'r'`,
			[OUR_SCHEMAS]
		);
		expect(n!.n).toBeGreaterThan(40);
	});

	it('every security definer function sets search_path', async () => {
		const rows = await db.query<{ name: string }>(
			`select p.oid::regprocedure::text as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			  where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema', 'extensions')
			    and not exists (select from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
			  order by 1`
		);
		expect(rows.map((r) => r.name)).toEqual([]);
		const [n] = await db.query<{ n: number }>(
			`select count(*)::int as n from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			  where p.prosecdef and n.nspname = any($1::text[])`,
			[OUR_SCHEMAS]
		);
		expect(n!.n).toBeGreaterThan(50);
	});

	it('anon may execute only the functions on the allow-list', async () => {
		const rows = await db.query<{ name: string }>(
			`select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name
			   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			  where n.nspname = any($1::text[]) and p.prorettype <> 'trigger'::regtype
			    and has_function_privilege('anon', p.oid, 'execute')
			    and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
			  order by 1`,
			[OUR_SCHEMAS.filter((s) => s !== 'auth')]
		);
		// Argument types print with their schema on some search paths: compare without it.
		const granted = rows.map((r) => r.name.replace(/\((.*)\)$/, (_, args: string) => `(${args.replace(/\b(public|extensions)\./g, '')})`));
		expect(granted.filter((name) => !(name in ANON_FUNCTIONS))).toEqual([]);
	});

	it('anon may read only the tables on the allow-list, and write none', async () => {
		const rows = await db.query<{ name: string; privileges: string }>(
			`select n.nspname || '.' || c.relname as name,
			        (select string_agg(p, ',' order by p) from unnest(array['select', 'insert', 'update', 'delete', 'truncate']) p
			          where has_table_privilege('anon', c.oid, p)) as privileges
			   from pg_class c join pg_namespace n on n.oid = c.relnamespace
			  where n.nspname = any($1::text[]) and c.relkind in ('r', 'p', 'v', 'm')
			    and not exists (select from pg_depend d where d.objid = c.oid and d.deptype = 'e')
			    and (has_table_privilege('anon', c.oid, 'select') or has_table_privilege('anon', c.oid, 'insert')
			      or has_table_privilege('anon', c.oid, 'update') or has_table_privilege('anon', c.oid, 'delete')
			      or has_table_privilege('anon', c.oid, 'truncate'))
			  order by 1`,
			[OUR_SCHEMAS]
		);
		expect(rows.filter((r) => !(r.name in ANON_TABLES)).map((r) => r.name)).toEqual([]);
		expect(rows.filter((r) => r.privileges !== 'select')).toEqual([]);
	});

	it('staff-only steps and the WeChat claims are out of anon’s reach', async () => {
		for (const sql of [
			`select public.report_accept(1)`,
			`select public.report_dispatch(1, 'water', null)`,
			`select public.report_redact_photo(1)`,
			`select * from public.wechat_claim('m1')`,
			`select public.wechat_answered('m1', 'reply')`
		]) {
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(sql)))).toBe('42501');
		}
	});
});
