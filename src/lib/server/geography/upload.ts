/** One geography import, as the console page and the CLI both run it: check the whole file, then write it. */
import type { Queryable } from '../db/port';
import type { Crs } from '../shelters/import';
import { checkPoints, writePoints } from './hazard-points';
import { check, references, write, type GeoError, type GeoLayer } from './index';

export type Outcome = { written: number; errors: GeoError[] };

export async function importLayer(tx: Queryable, layer: GeoLayer, content: string, crs: Crs): Promise<Outcome> {
	const refs = await references(tx);
	if (layer === 'hazard_points') {
		const { rows, errors } = await checkPoints(tx, content, crs, refs);
		return errors.length ? { written: 0, errors } : { written: await writePoints(tx, rows), errors: [] };
	}
	const { features, errors } = await check(tx, layer, content, crs, refs);
	return errors.length ? { written: 0, errors } : { written: await write(tx, layer, features), errors: [] };
}
