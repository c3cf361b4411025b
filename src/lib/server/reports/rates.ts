/**
 * The three rates (三率) per unit and Beijing month of dispatch — public aggregates:
 *   response (响应率)     = accepted by the acceptance deadline / dispatched
 *   resolution (解决率)   = closed by the feedback deadline / dispatched
 *   satisfaction (满意率) = (satisfied + basically satisfied) / rated
 * A rate with nothing to divide by is null, shown as "—", never as 0 % or 100 %.
 */
import type { Queryable } from '../db/port';

export type RateRow = {
	month: string;
	unit_kind: 'department' | 'town';
	unit_code: string;
	dispatched: number;
	responded: number;
	resolved: number;
	rated: number;
	satisfied: number;
};
export type Rates = RateRow & { response: number | null; resolution: number | null; satisfaction: number | null };

export const ratio = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

export async function rates(tx: Queryable, from: string, to: string): Promise<Rates[]> {
	const rows = await tx.query<RateRow>('select * from public.report_rates($1::date, $2::date)', [from, to]);
	return rows.map((r) => ({
		...r,
		response: ratio(r.responded, r.dispatched),
		resolution: ratio(r.resolved, r.dispatched),
		satisfaction: ratio(r.satisfied, r.rated)
	}));
}

/** The first day of the month `monthsBack` months before the Beijing month of `now`, as YYYY-MM-DD. */
export function monthStart(now: Date, monthsBack = 0): string {
	const beijing = new Date(now.getTime() + 8 * 3600_000);
	const d = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() - monthsBack, 1));
	return d.toISOString().slice(0, 10);
}
