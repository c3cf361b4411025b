/** What a resident sees of their own report, by its private token only. */
import type { ReportCategory, ReportRating, ReportStatus } from '../../db-types.gen';
import type { Queryable } from '../db/port';

export type Tracked = {
	id: number;
	ticket: string;
	category: ReportCategory;
	/** null for a supporter until the desk has reviewed the report (the reporter always sees it) */
	description: string | null;
	town_code: string;
	village_code: string | null;
	address: string | null;
	status: ReportStatus;
	unit_department: string | null;
	unit_town: string | null;
	created_at: Date;
	due_at: Date | null;
	closed_at: Date | null;
	reply: string | null;
	rating: ReportRating | null;
	reopened: boolean;
	supporters: number;
	/** past the dispatch deadline while received, or the feedback deadline once dispatched */
	overdue: boolean;
	/** by when the desk dispatches it (shown before dispatch) */
	dispatch_due_at: Date;
	/** by when the unit accepts it */
	accept_due_at: Date | null;
	/** a routing rule dispatched it at filing (直派) */
	auto_dispatched: boolean;
	/** the token is the reporter's (only the reporter rates); else a supporter's, who joined */
	reporter: boolean;
};
/** The unit a report waiting for its first dispatch is expected to go to (by rule, else 属地); null once dispatched. */
export type ExpectedUnit = { department_code: string | null; unit_town_code: string | null };
export type TimelineEntry = { kind: string; unit: string | null; note: string | null; created_at: Date };
export type PhotoRef = { id: number; stage: 'report' | 'reply'; width: number; height: number };

export async function track(
	tx: Queryable,
	ticket: string,
	token: string
): Promise<{ report: Tracked; timeline: TimelineEntry[]; photos: PhotoRef[]; expected: ExpectedUnit | null } | null> {
	if (!/^[A-Za-z0-9_-]{32,128}$/.test(token)) return null;
	const [report] = await tx.query<Tracked>('select * from public.report_track($1)', [token]);
	// The token decides; the ticket in the address must agree with it.
	if (!report || report.ticket !== ticket) return null;
	const timeline = await tx.query<TimelineEntry>('select * from public.report_track_events($1)', [token]);
	const photos = await tx.query<PhotoRef>('select * from public.report_track_photos($1)', [token]);
	const [expected] = await tx.query<ExpectedUnit>('select * from public.report_track_expected($1)', [token]);
	return { report, timeline, photos, expected: expected ?? null };
}

export async function photo(tx: Queryable, token: string, id: number): Promise<{ content_type: string; bytes: Uint8Array } | null> {
	if (!/^[A-Za-z0-9_-]{32,128}$/.test(token)) return null;
	const [row] = await tx.query<{ content_type: string; bytes: Uint8Array }>('select * from public.report_track_photo($1, $2)', [token, id]);
	return row ?? null;
}

export type RateOutcome = 'rated' | 'reopened' | 'not_allowed';

export async function rate(tx: Queryable, token: string, rating: ReportRating, reopen: boolean): Promise<RateOutcome> {
	try {
		const [row] = await tx.query<{ status: ReportStatus }>('select public.report_rate($1, $2, $3) as status', [token, rating, reopen]);
		return row!.status === 'dispatched' ? 'reopened' : 'rated';
	} catch (error) {
		const code = (error as { code?: string }).code;
		if (code === '55000' || code === 'P0002') return 'not_allowed';
		throw error;
	}
}
