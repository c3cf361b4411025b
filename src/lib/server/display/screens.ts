/**
 * Public display screens (公共场所预警信息发布): staff create them; a screen checks in
 * anonymously (app.display_checkin) and learns its place. RLS keeps the list to staff.
 */
import type { Queryable } from '../db/port';

export const SITES = ['station', 'school', 'hospital', 'square', 'scenic_entrance', 'other'] as const;
export type Site = (typeof SITES)[number];

/** A screen silent for longer than this is shown as an alarm in the console. */
export const SILENT_AFTER_MS = 5 * 60_000;

export type ScreenPlace =
	| { kind: 'town'; townCode: string }
	| { kind: 'scenic'; scenicId: string }
	| { kind: 'point'; lon: number; lat: number; radiusM: number };

export type Screen = { slug: string; name: string; site: Site; place: ScreenPlace; lastSeenAt: Date | null; createdAt: Date };

type Row = {
	slug: string;
	name: string;
	site: Site;
	place_kind: 'town' | 'scenic' | 'point';
	town_code: string | null;
	scenic_id: string | null;
	lon: number | null;
	lat: number | null;
	radius_m: number | null;
	last_seen_at?: Date | null;
	created_at?: Date;
};

function placeOf(r: Row): ScreenPlace {
	if (r.place_kind === 'town') return { kind: 'town', townCode: r.town_code! };
	if (r.place_kind === 'scenic') return { kind: 'scenic', scenicId: r.scenic_id! };
	return { kind: 'point', lon: r.lon!, lat: r.lat!, radiusM: r.radius_m! };
}

export async function listScreens(tx: Queryable): Promise<Screen[]> {
	const rows = await tx.query<Row>(
		`select slug, name, site, place_kind, town_code, scenic_id, extensions.st_x(point) as lon, extensions.st_y(point) as lat,
		        radius_m, last_seen_at, created_at
		   from public.display_screens order by name limit 500`
	);
	return rows.map((r) => ({ slug: r.slug, name: r.name, site: r.site, place: placeOf(r), lastSeenAt: r.last_seen_at ?? null, createdAt: r.created_at! }));
}

/** Whether a screen counts as silent (never seen, or not for more than five minutes). */
export function isSilent(lastSeenAt: Date | null, now = new Date()): boolean {
	return !lastSeenAt || now.getTime() - lastSeenAt.getTime() > SILENT_AFTER_MS;
}

export type NewScreen = { slug: string; name: string; site: Site; place: ScreenPlace };

export type Created = { ok: true } | { ok: false; field: 'slug' | 'place' | 'form'; message: string };

export async function createScreen(tx: Queryable, s: NewScreen): Promise<Created> {
	const p = s.place;
	try {
		await tx.query(
			`insert into public.display_screens (slug, name, site, place_kind, town_code, scenic_id, point, radius_m)
			 values ($1, $2, $3, $4, $5, $6,
			         case when $7::float8 is null then null else extensions.st_setsrid(extensions.st_makepoint($7, $8), 4326) end, $9)`,
			[
				s.slug,
				s.name,
				s.site,
				p.kind,
				p.kind === 'town' ? p.townCode : null,
				p.kind === 'scenic' ? p.scenicId : null,
				p.kind === 'point' ? p.lon : null,
				p.kind === 'point' ? p.lat : null,
				p.kind === 'point' ? p.radiusM : null
			]
		);
		return { ok: true };
	} catch (error) {
		const e = error as { code?: string; message?: string };
		if (e.code === '23505') return { ok: false, field: 'slug', message: 'taken' };
		if (e.code === '23503' || e.code === '23514') return { ok: false, field: 'place', message: e.message ?? 'invalid' };
		if (e.code === '42501') return { ok: false, field: 'form', message: 'forbidden' };
		throw error;
	}
}

export type CheckedIn = { slug: string; name: string; place: ScreenPlace };

/** A screen's check-in: its place, or null for an unknown screen. Anonymous. */
export async function checkIn(tx: Queryable, slug: string): Promise<CheckedIn | null> {
	const [r] = await tx.query<Row>(`select * from app.display_checkin($1)`, [slug]);
	return r ? { slug: r.slug, name: r.name, place: placeOf(r) } : null;
}
