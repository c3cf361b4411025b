/**
 * Geography import and export (admins): township boundaries (9-digit codes), village
 * points or polygons (12-digit codes) and water layers, from GeoJSON in WGS84, GCJ-02
 * or BD-09, stored as WGS84. All or nothing: the file is checked whole (parse.ts, then
 * check.ts in PostGIS) and written only when clean, in the caller's transaction (RLS:
 * only admins write). A feature whose key exists replaces it.
 */
import type { Crs } from '../shelters/import';
import type { Queryable } from '../db/port';
import { district } from '../district';
import { checkGeometry, type GeoError } from './check';
import { parseGeoJson, type Feature, type GeoLayer } from './parse';

export { GEO_LAYERS, type GeoLayer } from './parse';
export type { GeoError } from './check';

export type References = { towns: Set<string>; villages: Map<string, string> };

export async function references(tx: Queryable): Promise<References> {
	const { towns, villages } = await district(tx);
	return { towns: new Set(towns.map((t) => t.code)), villages: new Map(villages.map((v) => [v.code, v.town_code])) };
}

type KeyOf = (props: Record<string, string>, err: (field: string, message: string) => void) => string | null;

const SOURCE_MAX = 300;

function codeKey(field: string, pattern: RegExp, known: (code: string) => boolean): KeyOf {
	return (props, err) => {
		const code = props[field] ?? '';
		if (!code) err(field, 'map.import.required');
		else if (!pattern.test(code)) err(field, 'map.import.bad_code');
		else if (!known(code)) err(field, 'map.import.unknown_code');
		else {
			if ((props.source ?? '').length > SOURCE_MAX) err('source', 'map.import.too_long');
			return code;
		}
		return null;
	};
}

const waterKey: KeyOf = (props, err) => {
	const before = { n: 0 };
	const bad = (field: string, message: string) => {
		before.n++;
		err(field, message);
	};
	const ref = props.ref ?? '';
	if (!ref) bad('ref', 'map.import.required');
	else if (!/^[A-Za-z0-9._:-]{1,64}$/.test(ref)) bad('ref', 'map.import.bad_code');
	if (!['water_body', 'river'].includes(props.kind ?? '')) bad('kind', props.kind ? 'map.import.unknown_code' : 'map.import.required');
	for (const [field, max] of [['name_zh', 100], ['name_en', 200]] as const) {
		const v = props[field] ?? '';
		if (!v) bad(field, 'map.import.required');
		else if (v.length > max) bad(field, 'map.import.too_long');
	}
	if ((props.source ?? '').length > SOURCE_MAX) bad('source', 'map.import.too_long');
	return before.n ? null : ref;
};

function keyFor(layer: Exclude<GeoLayer, 'hazard_points'>, refs: References): KeyOf {
	if (layer === 'towns') return codeKey('code', /^110118\d{3}$/, (c) => refs.towns.has(c));
	if (layer === 'villages') return codeKey('code', /^110118\d{6}$/, (c) => refs.villages.has(c));
	return waterKey;
}

export type Checked = { features: Feature[]; errors: GeoError[] };

/** Parses and checks a whole file; `features` is empty whenever there is an error. */
export async function check(tx: Queryable, layer: Exclude<GeoLayer, 'hazard_points'>, content: string, crs: Crs, refs: References): Promise<Checked> {
	const parsed = parseGeoJson(content, layer, crs, keyFor(layer, refs));
	if (parsed.errors.length) return parsed;
	if (layer === 'water') {
		for (const f of parsed.features) {
			const line = f.geometry.type.endsWith('LineString');
			if (line !== (f.props.kind === 'river')) parsed.errors.push({ row: f.row, column: 'geometry.type', message: 'map.import.wrong_geometry' });
		}
		if (parsed.errors.length) return { features: [], errors: parsed.errors };
	}
	const errors = await checkGeometry(tx, layer, parsed.features);
	return errors.length ? { features: [], errors } : parsed;
}

const GEOM = (n: number) => `extensions.st_setsrid(extensions.st_geomfromgeojson($${n}), 4326)`;

/** Writes checked features; returns how many were written. */
export async function write(tx: Queryable, layer: Exclude<GeoLayer, 'hazard_points'>, features: Feature[]): Promise<number> {
	for (const f of features) {
		const g = JSON.stringify(f.geometry);
		const source = f.props.source || null;
		if (layer === 'towns') {
			await tx.query(
				`insert into public.town_boundaries (town_code, area, source) values ($1, extensions.st_multi(${GEOM(2)}), $3)
				 on conflict (town_code) do update set area = excluded.area, source = excluded.source, imported_at = now()`,
				[f.key, g, source]
			);
		} else if (layer === 'villages') {
			await tx.query(
				`insert into public.village_places (village_code, geom, source)
				 values ($1, case when $4 = 'Point' then ${GEOM(2)} else extensions.st_multi(${GEOM(2)}) end, $3)
				 on conflict (village_code) do update set geom = excluded.geom, source = excluded.source, imported_at = now()`,
				[f.key, g, source, f.geometry.type]
			);
		} else {
			await tx.query(
				`insert into public.water_features (ref, kind, name_zh, name_en, geom, source)
				 values ($1, $2, $3, $4, extensions.st_multi(${GEOM(5)}), $6)
				 on conflict (ref) do update set kind = excluded.kind, name_zh = excluded.name_zh, name_en = excluded.name_en,
				   geom = excluded.geom, source = excluded.source, imported_at = now()`,
				[f.key, f.props.kind, f.props.name_zh, f.props.name_en, g, source]
			);
		}
	}
	return features.length;
}

const EXPORT_SQL: Record<Exclude<GeoLayer, 'hazard_points'>, string> = {
	towns: `select json_build_object('code', b.town_code, 'name_zh', t.name_zh, 'source', b.source) as properties,
	               extensions.st_asgeojson(b.area, 6)::json as geometry
	          from public.town_boundaries b join public.towns t on t.code = b.town_code order by b.town_code`,
	villages: `select json_build_object('code', p.village_code, 'name_zh', v.name_zh, 'source', p.source) as properties,
	                  extensions.st_asgeojson(p.geom, 6)::json as geometry
	             from public.village_places p join public.villages v on v.code = p.village_code order by p.village_code`,
	water: `select json_build_object('ref', w.ref, 'kind', w.kind, 'name_zh', w.name_zh, 'name_en', w.name_en, 'source', w.source) as properties,
	               extensions.st_asgeojson(w.geom, 6)::json as geometry
	          from public.water_features w order by w.ref`
};

/** The layer as the import reads it: a WGS84 GeoJSON FeatureCollection. */
export async function exportLayer(tx: Queryable, layer: Exclude<GeoLayer, 'hazard_points'>): Promise<string> {
	const rows = await tx.query<{ properties: Record<string, unknown>; geometry: unknown }>(EXPORT_SQL[layer]);
	return JSON.stringify({ type: 'FeatureCollection', features: rows.map((r) => ({ type: 'Feature', properties: r.properties, geometry: r.geometry })) });
}
