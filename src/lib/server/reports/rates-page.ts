/** The data of a rates page (public and console alike): the last 12 Beijing months, unit names. */
import type { Queryable } from '../db/port';
import { places, unitNames } from '../district';
import { monthStart, rates } from './rates';

export async function ratesPage(tx: Queryable, lang: string, now = new Date()) {
	const from = monthStart(now, 11);
	const to = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
	return { rows: await rates(tx, from, to), units: unitNames(await places(tx), lang), from, to };
}
