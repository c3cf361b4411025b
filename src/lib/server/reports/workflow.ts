/**
 * The staff's steps on a report. Each is a database function that checks who may
 * make it (the dispatch desk, the assigned unit, a co-handler) and the state; a
 * refusal comes back as a StepError with an i18n key.
 */
import type { Queryable } from '../db/port';
import { DomainError, domainError, type Refusal } from '../errors';

export class StepError extends DomainError {
	constructor(key: string, sqlstate?: string) {
		super(key, undefined, sqlstate);
		this.name = 'StepError';
	}
}

const STEP_REFUSALS: Refusal[] = [
	{ sqlstate: '42501', key: 'reports.errors.not_allowed' },
	{ sqlstate: '55000', key: 'reports.errors.wrong_state' },
	{ sqlstate: '22023', key: 'reports.errors.invalid' },
	{ sqlstate: '23503', key: 'reports.errors.invalid' },
	{ sqlstate: 'P0002', key: 'reports.errors.not_found' }
];

async function step<T>(work: Promise<T>): Promise<T> {
	try {
		return await work;
	} catch (error) {
		const refused = domainError(error, STEP_REFUSALS);
		throw new StepError(refused.key, refused.sqlstate);
	}
}

export type DispatchTarget = { department?: string | null; town?: string | null };

/**
 * The console's `to` value: '' (by the routing rules), `department:<code>` or `town:<code>`.
 * Anything else is refused as an unknown unit; it was read as "by the rules" and the
 * report went out (an outside tester's finding). The database refuses a code that names
 * no unit (report_dispatch).
 */
export function dispatchTarget(value: string): DispatchTarget {
	if (value === '') return {};
	const m = /^(department|town):([A-Za-z0-9_-]{1,40})$/.exec(value);
	if (!m) throw new StepError('reports.errors.unknown_unit');
	return m[1] === 'department' ? { department: m[2] } : { town: m[2] };
}

/** Dispatches (or re-dispatches) to a department or a township; neither = by the routing rules. */
export async function dispatch(tx: Queryable, id: number, to: DispatchTarget = {}): Promise<string> {
	try {
		const [row] = await tx.query<{ unit: string }>('select public.report_dispatch($1, $2, $3) as unit', [id, to.department || null, to.town || null]);
		return row!.unit;
	} catch (error) {
		const refused = domainError(error, [{ sqlstate: '23503', key: 'reports.errors.unknown_unit' }, ...STEP_REFUSALS]);
		throw new StepError(refused.key, refused.sqlstate);
	}
}

export const accept = (tx: Queryable, id: number) => step(tx.query('select public.report_accept($1)', [id])).then(() => undefined);

export const note = (tx: Queryable, id: number, text: string, visibleToResident: boolean) =>
	step(tx.query('select public.report_note($1, $2, $3)', [id, text, visibleToResident])).then(() => undefined);

export const giveBack = (tx: Queryable, id: number, reason: string) =>
	step(tx.query('select public.report_return($1, $2)', [id, reason])).then(() => undefined);

export const close = (tx: Queryable, id: number, reply: string, photos: unknown[] = []) =>
	step(tx.query('select public.report_close($1, $2, $3::jsonb)', [id, reply, JSON.stringify(photos)])).then(() => undefined);

export async function merge(tx: Queryable, id: number, intoTicket: string): Promise<string> {
	const [target] = await tx.query<{ id: number }>('select id from public.reports where ticket = $1', [intoTicket.trim().toUpperCase()]);
	if (!target) throw new StepError('reports.errors.not_found');
	const [row] = await step(tx.query<{ ticket: string }>('select public.report_merge($1, $2) as ticket', [id, target.id]));
	return row!.ticket;
}

export const whistle = (tx: Queryable, id: number, department: string) =>
	step(tx.query('select public.report_whistle($1, $2)', [id, department])).then(() => undefined);

export const hide = (tx: Queryable, id: number, reason: string) =>
	step(tx.query('select public.report_hide($1, $2)', [id, reason])).then(() => undefined);

export const redactPhoto = (tx: Queryable, photoId: number) =>
	step(tx.query('select public.report_redact_photo($1)', [photoId])).then(() => undefined);
