/**
 * Places named in a message: townships, villages and scenic areas from the reference
 * data, by full name and common short form (溪翁庄 for 溪翁庄镇, Simatai for 司马台长城),
 * in both languages. The longest name found wins; a full name beats a short form, and a
 * township beats a scenic area or village of the same short form.
 */
import type { Queryable } from '../db/port';
import { district } from '../district';
import { normalize } from '$lib/assistant/text';
import words from '$lib/assistant/words.json';

export type PlaceKind = 'town' | 'village' | 'scenic';

export type KnownPlace = {
	kind: PlaceKind;
	/** town or village code, scenic area id */
	id: string;
	name_zh: string;
	name_en: string;
	town_code: string | null;
	/** where to measure from: the scenic point, a village's evacuation origin, else the township seat */
	lat: number | null;
	lon: number | null;
};

type Alias = { text: string; place: KnownPlace; full: boolean; re: RegExp | null };

export type Gazetteer = { aliases: Alias[]; towns: Map<string, KnownPlace> };

/** "Miyun" alone names the district, not 密云镇: never a short form. */
const DISTRICT_WORDS = new Set(words.district_words);
const RANK: Record<PlaceKind, number> = { town: 3, scenic: 2, village: 1 };

function shortForms(name: string, suffixes: readonly string[], minLength: number): string[] {
	const out: string[] = [];
	for (const suffix of suffixes) {
		if (name.endsWith(suffix) && [...name].length - [...suffix].length >= minLength) out.push(name.slice(0, -suffix.length));
	}
	return out.filter((s) => !DISTRICT_WORDS.has(s));
}

function aliasesOf(place: KnownPlace, suffixes: readonly string[], minShort: number): Alias[] {
	const zh = normalize(place.name_zh);
	const en = normalize(place.name_en.replace(/\(.*?\)/g, ''));
	return [
		alias(zh, place, true),
		alias(en, place, true),
		...shortForms(zh, suffixes, minShort).map((s) => alias(s, place, false)),
		...shortForms(en, words.place_suffixes.en, 4).map((s) => alias(s, place, false))
	];
}

const LATIN = /^[a-z0-9 '.-]+$/;

/** Latin names match whole words only ("Dachengzi", not inside another word); the pattern is made once. */
function alias(text: string, place: KnownPlace, full: boolean): Alias {
	const re = LATIN.test(text) ? new RegExp(`(?<![a-z0-9])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`) : null;
	return { text, place, full, re };
}

/**
 * The reference data changes rarely (a migration, an admin's shelter import): it is read
 * at most once a minute per process, not once per message.
 */
const CACHE_MS = 60_000;
let cached: { at: number; gazetteer: Promise<Gazetteer> } | null = null;

export function loadGazetteer(tx: Queryable, now = Date.now()): Promise<Gazetteer> {
	if (!cached || now - cached.at > CACHE_MS) {
		const gazetteer = readGazetteer(tx);
		cached = { at: now, gazetteer };
		// A failed read is not kept.
		gazetteer.catch(() => (cached = null));
	}
	return cached.gazetteer;
}

async function readGazetteer(tx: Queryable): Promise<Gazetteer> {
	// Townships and villages (names, seats) from the district module; where a village's
	// evacuation routes start stands for the village, else its township's seat.
	const d = await district(tx);
	const seats = new Map(d.towns.map((t) => [t.code, t]));
	const seat = (town: string | null) => (town === null ? undefined : seats.get(town));
	const towns: KnownPlace[] = d.towns.map((t) => ({ kind: 'town', id: t.code, name_zh: t.name_zh, name_en: t.name_en, town_code: t.code, lat: t.lat, lon: t.lon }));
	const origins = new Map(
		(
			await tx.query<{ village_code: string; lat: number; lon: number }>(
				`select distinct on (r.village_code) r.village_code,
				        extensions.st_y(extensions.st_centroid(r.origin)) as lat, extensions.st_x(extensions.st_centroid(r.origin)) as lon
				   from public.evacuation_routes r where r.village_code is not null order by r.village_code`
			)
		).map((o) => [o.village_code, o])
	);
	const villages: KnownPlace[] = d.villages.map((v) => {
		const at = origins.get(v.code) ?? seat(v.town_code);
		return { kind: 'village', id: v.code, name_zh: v.name_zh, name_en: v.name_en, town_code: v.town_code, lat: at?.lat ?? null, lon: at?.lon ?? null };
	});
	const scenic = (
		await tx.query<KnownPlace>(
			`select 'scenic' as kind, s.id, s.name_zh, s.name_en, s.town_code,
			        extensions.st_y(s.location) as lat, extensions.st_x(s.location) as lon
			   from public.scenic_areas s order by s.sort`
		)
	).map((s) => (s.lat === null ? { ...s, lat: seat(s.town_code)?.lat ?? null, lon: seat(s.town_code)?.lon ?? null } : s));
	const aliases: Alias[] = [
		...towns.flatMap((p) => aliasesOf(p, words.place_suffixes.town, 2)),
		// A two-character village stem (东庄, 石岩) is too common a word to stand alone.
		...villages.flatMap((p) => aliasesOf(p, words.place_suffixes.village, 3)),
		...scenic.flatMap((p) => [
			...aliasesOf(p, words.place_suffixes.scenic, 2),
			...((words.scenic_aliases as Record<string, string[]>)[p.id] ?? []).map((text) => alias(normalize(text), p, false))
		])
	].filter((a) => a.text.length >= 2);
	return { aliases, towns: new Map(towns.map((t) => [t.id, t])) };
}

/** The place the message names, if any; `text` is normalized. */
export function findPlace(gazetteer: Gazetteer, text: string): KnownPlace | null {
	let best: { alias: Alias; length: number; at: number } | null = null;
	for (const alias of gazetteer.aliases) {
		const at = alias.re ? text.search(alias.re) : text.indexOf(alias.text);
		if (at < 0) continue;
		const length = alias.text.length;
		if (!best || better(alias, length, best.alias, best.length)) best = { alias, length, at };
	}
	if (!best) return null;
	const place = best.alias.place;
	// The same village name in several townships: prefer the one in a township also named.
	if (place.kind === 'village') {
		const same = gazetteer.aliases.filter((a) => a.text === best.alias.text && a.place.kind === 'village' && a.place.id !== place.id);
		const town = same.find((a) => text.includes(normalize(gazetteer.towns.get(a.place.town_code ?? '')?.name_zh ?? '\u0000')));
		if (town) return town.place;
	}
	return place;
}

function better(a: Alias, aLength: number, b: Alias, bLength: number): boolean {
	if (aLength !== bLength) return aLength > bLength;
	if (a.full !== b.full) return a.full;
	return RANK[a.place.kind] > RANK[b.place.kind];
}

/** The township a point lies in (approximate areas around the sourced seats). */
export async function townAt(tx: Queryable, lat: number, lon: number): Promise<string | null> {
	const [row] = await tx.query<{ code: string }>(
		`select code from public.town_areas
		  order by extensions.st_distance(area, extensions.st_setsrid(extensions.st_makepoint($2, $1), 4326)) limit 1`,
		[lat, lon]
	);
	return row?.code ?? null;
}
