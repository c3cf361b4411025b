/**
 * The console's map: the public layers plus what staff act on — open reports with the
 * overdue ones marked (as the report queue computes it), shelter occupancy, hazard
 * points with their monitors (as RLS lets the caller see them), and per village the
 * subscriptions a warning would reach (counts only, issuers and admins: the same rule
 * as the compose form's reach).
 */
import type { HazardCode } from '../../db-types.gen';
import type { Lang } from '../../i18n';
import type { MapReport, StaffHazardPoint, StaffMap, VillageReach } from '../../map/types';
import type { Queryable } from '../db/port';
import { can } from '../auth/can';
import { listForStaff } from '../geography/hazard-points';
import { publicMap } from './layers';

export async function staffMap(tx: Queryable, hazard: HazardCode | null, lang: Lang): Promise<StaffMap & { hazardList: StaffHazardPoint[]; reachTotals: (VillageReach & { placed: boolean })[] | null }> {
	const base = await publicMap(tx, hazard, lang);
	const reports = await tx.query<MapReport>(
		`select r.id::text as id, r.ticket, r.status, extensions.st_y(r.location) as lat, extensions.st_x(r.location) as lon,
		        case when r.status = 'received' then r.dispatch_due_at < now()
		             else r.due_at < now() end as overdue
		   from public.reports r
		  where r.status in ('received', 'dispatched', 'accepted') and r.location is not null
		  order by r.id desc limit 1000`
	);
	let reachTotals: (VillageReach & { placed: boolean })[] | null = null;
	if (await can(tx, 'issue_warnings')) {
		reachTotals = await tx.query<VillageReach & { placed: boolean }>(
			`select v.code, v.name_zh, v.name_en, r.subscriptions::int as subscriptions,
			        extensions.st_y(extensions.st_pointonsurface(p.geom)) as lat, extensions.st_x(extensions.st_pointonsurface(p.geom)) as lon,
			        p.geom is not null as placed
			   from app.village_subscriptions() r
			   join public.villages v on v.code = r.village_code
			   left join public.village_places p on p.village_code = v.code
			  order by r.subscriptions desc, v.code`
		);
	}
	const reach = reachTotals?.filter((v) => v.placed) ?? null;
	return { ...base, reports, reach, hazardList: await listForStaff(tx), reachTotals };
}
