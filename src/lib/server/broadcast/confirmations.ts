/**
 * Confirmations that a warning was read over a village's loudspeaker (大喇叭). The
 * evacuation roll reads public.village_broadcasts as "notified by broadcast"
 * (villageNotifiedByBroadcast below). RLS decides who: township staff of the village
 * and admins.
 */
import type { Queryable } from '../db/port';

export type VillageBroadcast = { villageCode: string; nameZh: string; nameEn: string; broadcastAt: Date | null; confirmedBy: string | null };

/**
 * The villages the warning's area touches that the caller may confirm for (their
 * township's; all for an admin), with the broadcast of this warning when confirmed.
 */
export function villagesFor(tx: Queryable, warningId: string): Promise<VillageBroadcast[]> {
	return tx.query<VillageBroadcast>(
		`select v.code as "villageCode", v.name_zh as "nameZh", v.name_en as "nameEn",
		        b.broadcast_at as "broadcastAt", b.confirmed_by_label as "confirmedBy"
		   from public.villages v
		   join public.warnings w on w.id = $1
		   join public.village_areas va on va.code = v.code
		   left join public.village_broadcasts b on b.village_code = v.code and b.warning_id = $1
		  where app.serves_village(v.code) and app.area_touches(w.area, va.area)
		  order by v.town_code, v.code
		  limit 1000`,
		[warningId]
	);
}

export type Confirmed = { ok: true } | { ok: false; reason: 'refused' | 'already' };

/** Records that the script was broadcast in this village (once per warning and village). */
export async function confirmBroadcast(
	tx: Queryable,
	input: { warningId: string; villageCode: string; label: string; broadcastAt?: Date }
): Promise<Confirmed> {
	try {
		const rows = await tx.query(
			`insert into public.village_broadcasts (warning_id, village_code, confirmed_by_label, broadcast_at)
			 values ($1, $2, $3, coalesce($4, now()))
			 on conflict (warning_id, village_code) do nothing returning village_code`,
			[input.warningId, input.villageCode, input.label.slice(0, 120), input.broadcastAt ?? null]
		);
		return rows.length ? { ok: true } : { ok: false, reason: 'already' };
	} catch (error) {
		const code = (error as { code?: string }).code;
		if (code === '42501' || code === '23503' || code === '22P02') return { ok: false, reason: 'refused' };
		throw error;
	}
}

/** For the evacuation roll: when each village of a warning was notified by broadcast. */
export function villageNotifiedByBroadcast(tx: Queryable, warningId: string): Promise<{ villageCode: string; broadcastAt: Date }[]> {
	return tx.query(
		`select village_code as "villageCode", broadcast_at as "broadcastAt" from public.village_broadcasts where warning_id = $1`,
		[warningId]
	);
}
