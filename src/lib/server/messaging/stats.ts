/**
 * What the console shows about delivery: per channel, how a warning message's fan-out
 * went (app.delivery_stats), and how many subscriptions a warning being composed would
 * reach (app.delivery_reach). Both are SQL functions that refuse callers other than
 * warning issuers and admins; this module only names the numbers.
 */
import type { CapStatus, DeliveryChannel, HazardCode, WarningLevel } from '../../db-types.gen';
import type { Queryable } from '../db/port';

export const STAT_COLUMNS = ['matched', 'queued', 'sent', 'failed', 'expired', 'gone', 'delivered', 'shown', 'skipped'] as const;
export type ChannelStats = { channel: DeliveryChannel } & Record<(typeof STAT_COLUMNS)[number], number>;

/** Counts per channel; empty when the message has no fan-out (drafts, tests, system messages). */
export async function deliveryStats(tx: Queryable, warningId: string): Promise<ChannelStats[]> {
	const [started] = await tx.query<{ n: number }>('select count(*)::int as n from public.deliveries where warning_id = $1', [warningId]);
	if (!started?.n) return [];
	const rows = await tx.query<Record<string, unknown>>('select * from app.delivery_stats($1)', [warningId]);
	return rows.map((row) => ({
		channel: row.channel as DeliveryChannel,
		...(Object.fromEntries(STAT_COLUMNS.map((c) => [c, Number(row[c])])) as Record<(typeof STAT_COLUMNS)[number], number>)
	}));
}

export type Reach = Record<DeliveryChannel, number>;

export async function deliveryReach(
	tx: Queryable,
	w: { geojson: string; hazard: HazardCode; level: WarningLevel; status: CapStatus }
): Promise<Reach> {
	const rows = await tx.query<{ channel: DeliveryChannel; subscriptions: number }>(
		'select channel, subscriptions::int as subscriptions from app.delivery_reach($1, $2, $3, $4)',
		[w.geojson, w.hazard, w.level, w.status]
	);
	const reach: Reach = { push: 0, sms: 0, wechat: 0 };
	for (const row of rows) reach[row.channel] = row.subscriptions;
	return reach;
}
