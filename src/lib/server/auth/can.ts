/**
 * Who may do what: the database decides (app.can / app.role_may, see the migration
 * 20261204110000_can.sql), and the server asks it rather than comparing role names.
 * MAY is what the console's early guard (staffOnly) checks before any query — the same
 * rule as app.role_may, held equal to it for every role by can.spec.ts.
 */
import type { StaffRole } from '../../db-types.gen';
import type { ApiKeyRole } from './api-keys';
import type { Queryable } from '../db/port';

export const MAY = {
	administer: ['admin'],
	issue_warnings: ['warning_issuer', 'admin'],
	// an earthquake early warning without approval: the network's machine client only (never staff)
	issue_eew: ['eew_network'],
	start_eew_drill: ['warning_issuer', 'admin']
} as const satisfies Record<string, readonly (StaffRole | ApiKeyRole)[]>;

export type Action = keyof typeof MAY;

/** Whether the caller of this transaction (staff or API key) may do `action`. */
export async function can(tx: Queryable, action: Action): Promise<boolean> {
	const [row] = await tx.query<{ ok: boolean }>('select app.can($1) as ok', [action]);
	return row?.ok === true;
}
