/**
 * EEW messages against the database: stored through app.issue_eew (the database checks
 * the caller's role and keeps event id + sequence idempotent), drills through
 * app.start_eew_drill, and the latest revision of each recent event for pages that open
 * while one is still running.
 */
import { EEW_LIFETIME_S, toWire, type EewFacts, type EewWire } from '../../eew/message';
import type { Queryable } from '../db/port';
import { EewInputError } from './validate';

export type Issued = { id: string; created: boolean; latest: boolean };

/** The database's refusals, as the input errors they are (never a 500 for what a client sent). */
function refusal(error: unknown): never {
	const e = error as { code?: string; message?: string };
	if (e.code === '42501') throw new EewRefused(e.message ?? 'not allowed');
	if (e.code === '23505' || e.code === '22023') {
		const [field, ...rest] = (e.message ?? '').split(': ');
		throw new EewInputError(rest.length ? field! : 'body', rest.length ? rest.join(': ') : (e.message ?? 'refused'));
	}
	throw error;
}

export class EewRefused extends Error {}

export async function issueEew(tx: Queryable, f: EewFacts, source: 'api' | 'cap'): Promise<Issued> {
	try {
		const [row] = await tx.query<Issued>(
			'select id, created, latest from app.issue_eew($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
			[f.eventId, f.sequence, f.msgType, f.status, f.originTime, f.lat, f.lon, f.depthKm, f.magnitude, source]
		);
		return row!;
	} catch (error) {
		refusal(error);
	}
}

export async function startDrill(tx: Queryable, town: string, magnitude: number, depthKm: number): Promise<string> {
	try {
		const [row] = await tx.query<{ id: string }>('select app.start_eew_drill($1, $2, $3) as id', [town, magnitude, depthKm]);
		return row!.id;
	} catch (error) {
		refusal(error);
	}
}

type Row = {
	id: string;
	event_id: string;
	sequence: number;
	msg_type: EewFacts['msgType'];
	status: EewFacts['status'];
	origin_time: Date;
	lat: number;
	lon: number;
	depth_km: number;
	magnitude: number;
	town_code: string | null;
};

const factsOf = (r: Row): EewFacts => ({
	eventId: r.event_id,
	sequence: r.sequence,
	msgType: r.msg_type,
	status: r.status,
	originTime: new Date(r.origin_time),
	lat: r.lat,
	lon: r.lon,
	depthKm: r.depth_km,
	magnitude: r.magnitude
});

const COLUMNS = 'id, event_id, sequence, msg_type, status, origin_time, lat, lon, depth_km, magnitude, town_code';

export async function eewById(tx: Queryable, id: string): Promise<(EewFacts & { id: string; townCode: string | null; latest: boolean }) | null> {
	const [row] = await tx.query<Row & { latest: boolean }>(
		`select ${COLUMNS}, not exists (select 1 from public.eew_messages o where o.event_id = m.event_id and o.sequence > m.sequence) as latest
		   from public.eew_messages m where id = $1`,
		[id]
	);
	return row ? { ...factsOf(row), id: row.id, townCode: row.town_code, latest: row.latest } : null;
}

/** The newest revision of each event whose origin is less than EEW_LIFETIME_S ago: what an opening page still shows. */
export async function recentEews(tx: Queryable): Promise<EewWire[]> {
	const rows = await tx.query<Row>(
		`select distinct on (event_id) ${COLUMNS} from public.eew_messages
		  where origin_time > now() - make_interval(secs => $1) and received_at > now() - make_interval(secs => $1)
		  order by event_id, sequence desc`,
		[EEW_LIFETIME_S]
	);
	return rows.map((r) => toWire(factsOf(r)));
}
