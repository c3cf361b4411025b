/**
 * Export in the import formats, so a list can go out, be edited and come back in
 * (rows keep their ref). Coordinates are WGS84.
 */
import { toCsv } from '../csv';
import type { Queryable } from '../db/port';
import { COLUMNS } from './import';

type ExportRow = Record<(typeof COLUMNS)[number], unknown>;

function rows(tx: Queryable): Promise<ExportRow[]> {
	return tx.query<ExportRow>(
		`select s.ref, s.name_zh, s.name_en, s.address, s.town_code,
		        round(extensions.st_y(s.position::extensions.geometry)::numeric, 7) as lat,
		        round(extensions.st_x(s.position::extensions.geometry)::numeric, 7) as lon, 'wgs84' as crs,
		        s.class, s.indoor, s.area_m2, s.capacity, array_to_string(s.facilities, ';') as facilities,
		        array_to_string(s.hazards, ';') as hazards, s.status, s.occupancy, s.phone, s.contact, s.note
		   from public.shelters s where s.retired_at is null order by s.town_code, s.ref, s.name_zh`
	);
}

/** Through the shared writer, which neutralises formulas in text fields (a note, a contact). */
export async function exportCsv(tx: Queryable): Promise<string> {
	return toCsv(COLUMNS, (await rows(tx)).map((r) => COLUMNS.map((c) => r[c])));
}

export async function exportGeoJson(tx: Queryable): Promise<string> {
	const features = (await rows(tx)).map(({ lat, lon, crs: _crs, facilities, hazards, ...properties }) => ({
		type: 'Feature',
		geometry: { type: 'Point', coordinates: [Number(lon), Number(lat)] },
		properties: { ...properties, facilities: String(facilities).split(';').filter(Boolean), hazards: String(hazards).split(';') }
	}));
	return JSON.stringify({ type: 'FeatureCollection', features }, null, 1);
}
