/**
 * The evacuation roll (险村险户): a township's at-risk households. Entered one by one in
 * the console or imported as CSV, all or nothing, with the shelter import's rules: every
 * row is checked first, errors name the row and the column, and only a clean file is
 * written, in the caller's transaction — RLS decides whose roll it may touch.
 */
import { isHazardCode } from '../../hazards';
import { EvacVulnerabilityValues, type EvacVulnerability, type HazardCode, type Tables } from '../../db-types.gen';
import { parseCsv, toCsv } from '../csv';
import type { Queryable } from '../db/port';
import { district } from '../district';
import vocabulary from './vocabulary.json';

export const COLUMNS = [
	'ref', 'village', 'head_name', 'phone', 'address', 'people', 'vulnerable', 'shelter_ref', 'refuge_note', 'cadre_name',
	'cadre_phone', 'hazards'
] as const;
const REQUIRED = ['village', 'head_name', 'people', 'cadre_name', 'cadre_phone', 'hazards'] as const;
const MAX_ROWS = 5000;
const PHONE = /^[0-9+() -]{3,30}$/;

export type HouseholdRow = Pick<
	Tables['evac_households'],
	'ref' | 'village_code' | 'head_name' | 'phone' | 'address' | 'people' | 'vulnerable' | 'shelter_id' | 'refuge_note' | 'cadre_name' | 'cadre_phone' | 'hazards'
>;
export type RollError = { row: number; column: string; message: string };

/** What a row is checked against: villages (by code, and by name per township), shelters by ref, the caller's township. */
export type RollContext = {
	villages: Map<string, string>;
	villageNames: Map<string, string[]>;
	shelters: Map<string, string>;
	/** The caller's township: a village elsewhere is refused before the database would. Null for district staff. */
	town: string | null;
};

export async function rollContext(tx: Queryable): Promise<RollContext> {
	const { villages } = await district(tx);
	const shelters = await tx.query<{ id: string; ref: string }>('select id, ref from public.shelters where ref is not null and retired_at is null');
	const [me] = await tx.query<{ town: string | null }>('select app.staff_town() as town');
	const villageNames = new Map<string, string[]>();
	for (const v of villages) villageNames.set(v.name_zh, [...(villageNames.get(v.name_zh) ?? []), v.code]);
	return {
		villages: new Map(villages.map((v) => [v.code, v.town_code])),
		villageNames,
		shelters: new Map(shelters.map((s) => [s.ref, s.id])),
		town: me?.town ?? null
	};
}

const lookup = <T>(table: Record<string, T>, raw: string): T | undefined =>
	Object.hasOwn(table, raw) ? table[raw] : Object.hasOwn(table, raw.toLowerCase()) ? table[raw.toLowerCase()] : undefined;

const split = (raw: string) => [...new Set(raw.split(/[;|，,、\s]+/).map((x) => x.trim()).filter(Boolean))];

/** Checks one household (a CSV row or the console form); pushes its errors, returns the row when clean. */
export function checkHousehold(row: number, get: (column: string) => string, ctx: RollContext, errors: RollError[]): HouseholdRow | null {
	const before = errors.length;
	const err = (column: string, message: string) => errors.push({ row, column, message });
	const text = (column: string, max: number, required = false) => {
		const v = get(column).trim();
		if (required && !v) err(column, 'shelters.import.required');
		else if (v.length > max) err(column, 'shelters.import.too_long');
		return v || null;
	};
	const phone = (column: string, required: boolean) => {
		const v = text(column, 30, required);
		if (v && !PHONE.test(v)) err(column, 'shelters.import.bad_phone');
		return v;
	};

	const ref = text('ref', 64);
	if (ref && !/^[A-Za-z0-9._:-]{1,64}$/.test(ref)) err('ref', 'shelters.import.bad_ref');
	const villageRaw = get('village').trim();
	let village_code: string | null = null;
	if (!villageRaw) err('village', 'shelters.import.required');
	else {
		// A code, or a name: names repeat across townships, so a name counts within the caller's own.
		const byName = (ctx.villageNames.get(villageRaw) ?? []).filter((c) => !ctx.town || ctx.villages.get(c) === ctx.town);
		village_code = ctx.villages.has(villageRaw) ? villageRaw : byName.length === 1 ? byName[0]! : null;
		if (!village_code) err('village', byName.length > 1 ? 'evacuation.import.ambiguous_village' : 'evacuation.import.unknown_village');
		else if (ctx.town && ctx.villages.get(village_code) !== ctx.town) err('village', 'evacuation.import.not_your_town');
	}
	const head_name = text('head_name', 50, true) ?? '';
	const phoneValue = phone('phone', false);
	const address = text('address', 200);
	const peopleRaw = get('people').trim();
	const people = Number(peopleRaw);
	if (!peopleRaw) err('people', 'shelters.import.required');
	else if (!Number.isInteger(people) || people < 1 || people > 100) err('people', 'evacuation.import.bad_people');
	const vulnerable: EvacVulnerability[] = [];
	for (const v of split(get('vulnerable'))) {
		const code = lookup(vocabulary.vulnerable as Record<string, EvacVulnerability>, v);
		if (code) vulnerable.push(code);
		else err('vulnerable', 'shelters.import.unknown_code');
	}
	const shelterRef = get('shelter_ref').trim();
	const shelter_id = shelterRef ? (ctx.shelters.get(shelterRef) ?? null) : null;
	if (shelterRef && !shelter_id) err('shelter_ref', 'evacuation.import.unknown_shelter');
	const refuge_note = text('refuge_note', 200);
	const cadre_name = text('cadre_name', 50, true) ?? '';
	const cadre_phone = phone('cadre_phone', true) ?? '';
	const hazards: HazardCode[] = [];
	const hazardItems = split(get('hazards'));
	if (hazardItems.length === 0) err('hazards', 'shelters.import.required');
	for (const h of hazardItems) {
		const code = isHazardCode(h) ? h : lookup(vocabulary.hazards as Record<string, HazardCode>, h);
		if (code) hazards.push(code);
		else err('hazards', 'shelters.import.unknown_code');
	}
	if (errors.length > before) return null;
	return {
		ref, village_code: village_code!, head_name, phone: phoneValue, address, people, vulnerable: [...new Set(vulnerable)],
		shelter_id, refuge_note, cadre_name, cadre_phone, hazards: [...new Set(hazards)]
	};
}

/** A CSV with a header row of COLUMNS names. Clean rows only when the whole file is clean. */
export function parseRoll(content: string, ctx: RollContext): { rows: HouseholdRow[]; errors: RollError[] } {
	const errors: RollError[] = [];
	const rows: HouseholdRow[] = [];
	const [header, ...body] = parseCsv(content);
	if (!header) return { rows, errors: [{ row: 1, column: '', message: 'shelters.import.empty' }] };
	const names = header.cells.map((h) => h.trim().toLowerCase());
	for (const required of REQUIRED) {
		if (!names.includes(required)) errors.push({ row: header.line, column: required, message: 'shelters.import.missing_column' });
	}
	for (const n of names.filter((n) => n && !(COLUMNS as readonly string[]).includes(n))) {
		errors.push({ row: header.line, column: n, message: 'shelters.import.unknown_column' });
	}
	if (errors.length) return { rows, errors };
	if (body.length === 0) return { rows, errors: [{ row: 2, column: '', message: 'shelters.import.empty' }] };
	if (body.length > MAX_ROWS) return { rows, errors: [{ row: body[MAX_ROWS]!.line, column: '', message: 'shelters.import.too_many' }] };
	const seen = new Set<string>();
	for (const { line, cells } of body) {
		const row = checkHousehold(line, (column) => cells[names.indexOf(column)] ?? '', ctx, errors);
		if (!row) continue;
		const key = row.ref ? `${ctx.villages.get(row.village_code)}:${row.ref}` : null;
		if (key && seen.has(key)) errors.push({ row: line, column: 'ref', message: 'shelters.import.duplicate_ref' });
		if (key) seen.add(key);
		rows.push(row);
	}
	return errors.length ? { rows: [], errors } : { rows, errors };
}

/** Writes checked rows in the caller's transaction; a row whose ref the township has updates that household. */
export async function write(tx: Queryable, rows: HouseholdRow[]): Promise<{ inserted: number; updated: number }> {
	let inserted = 0;
	let updated = 0;
	for (const r of rows) {
		// town_code is set by the trigger from the village; the placeholder only satisfies "not null" in the statement.
		const [result] = await tx.query<{ inserted: boolean }>(
			`insert into public.evac_households (town_code, ref, village_code, head_name, phone, address, people, vulnerable, shelter_id,
			                                     refuge_note, cadre_name, cadre_phone, hazards)
			 values ((select town_code from public.villages where code = $2), $1, $2, $3, $4, $5, $6,
			         $7::text[]::public.evac_vulnerability[], $8, $9, $10, $11, $12::text[]::public.hazard_code[])
			 on conflict (town_code, ref) do update set
			   village_code = excluded.village_code, head_name = excluded.head_name, phone = excluded.phone, address = excluded.address,
			   people = excluded.people, vulnerable = excluded.vulnerable, shelter_id = excluded.shelter_id,
			   refuge_note = excluded.refuge_note, cadre_name = excluded.cadre_name, cadre_phone = excluded.cadre_phone,
			   hazards = excluded.hazards, demo = false
			 returning (xmax = 0) as inserted`,
			[r.ref, r.village_code, r.head_name, r.phone, r.address, r.people, r.vulnerable, r.shelter_id, r.refuge_note, r.cadre_name,
				r.cadre_phone, r.hazards]
		);
		if (result?.inserted) inserted++;
		else updated++;
	}
	return { inserted, updated };
}

export type Household = HouseholdRow & {
	id: string;
	town_code: string;
	village_zh: string;
	village_en: string;
	shelter_ref: string | null;
	shelter_zh: string | null;
	shelter_en: string | null;
	demo: boolean;
};

/** The households the caller may read, by township, village and head. */
export function list(tx: Queryable): Promise<Household[]> {
	return tx.query<Household>(
		`select h.id, h.ref, h.town_code, h.village_code, v.name_zh as village_zh, v.name_en as village_en, h.head_name, h.phone,
		        h.address, h.people, h.vulnerable::text[] as vulnerable, h.shelter_id, s.ref as shelter_ref, s.name_zh as shelter_zh, s.name_en as shelter_en,
		        h.refuge_note, h.cadre_name, h.cadre_phone, h.hazards::text[] as hazards, h.demo
		   from public.evac_households h
		   join public.villages v on v.code = h.village_code
		   left join public.shelters s on s.id = h.shelter_id
		  order by h.town_code, h.village_code, h.ref collate "C", h.head_name collate "C", h.id`
	);
}

/** Removes one household from the roll; false when the caller may not (or it is not there). */
export async function remove(tx: Queryable, id: string): Promise<boolean> {
	if (!/^[0-9a-f-]{36}$/.test(id)) return false;
	return (await tx.query('delete from public.evac_households where id = $1 returning id', [id])).length === 1;
}

/** The roll in the import format, so it can go out, be edited and come back (rows keep their ref). */
export async function exportCsv(tx: Queryable): Promise<string> {
	const rows = await list(tx);
	return toCsv(
		COLUMNS,
		rows.map((h) => [h.ref, h.village_code, h.head_name, h.phone, h.address, h.people, h.vulnerable.join(';'), h.shelter_ref,
			h.refuge_note, h.cadre_name, h.cadre_phone, h.hazards.join(';')])
	);
}

export { EvacVulnerabilityValues as VULNERABILITIES };

export type RollChange = {
	id: number;
	household_id: string;
	action: 'added' | 'edited' | 'removed';
	/** field → {from, to} (added: {to}); values blanked ({}) once the household is removed */
	changes: Record<string, { from?: unknown; to?: unknown }>;
	changed_at: string;
	changed_by_name: string | null;
	/** the household as it is now (null once removed) */
	head_name: string | null;
	ref: string | null;
};

/**
 * The roll's history (written by a trigger on every insert, update and delete, whoever
 * made it), newest first: of one household, or the latest of the roll the caller keeps.
 */
export async function changes(tx: Queryable, household: string | null = null, limit = 200): Promise<RollChange[]> {
	if (household !== null && !/^[0-9a-f-]{36}$/i.test(household)) return [];
	const rows = await tx.query<RollChange>(
		`select c.id::integer, c.household_id, c.action, c.changes, c.changed_at, c.changed_by_name, h.head_name, h.ref
		   from public.evac_household_changes c left join public.evac_households h on h.id = c.household_id
		  where ($1::uuid is null or c.household_id = $1::uuid)
		  order by c.changed_at desc, c.id desc limit $2`,
		[household, limit]
	);
	return rows.map((r) => ({ ...r, changed_at: new Date(r.changed_at).toISOString() }));
}
