/**
 * One rule of who may do what: the database's (app.role_may / app.can). The lists the
 * console's early guard checks (MAY) must say the same for every role and action, and
 * app.can must answer by the caller's real role — staff and API keys alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffRoleValues } from '../../db-types.gen';
import { asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { staffClaims } from '../reports/testing';
import { as, backends, sqlState } from '../testing/db';
import { createApiKey, findApiKey } from './api-keys';
import { claimsFor } from './identity';
import { can, MAY, type Action } from './can';

const ACTIONS = Object.keys(MAY) as Action[];

describe.each(backends())('who may do what on $name', (backend) => {
	let db: Database;
	const staff: Partial<Record<(typeof StaffRoleValues)[number], Claims>> = {};
	beforeAll(async () => {
		db = await backend.open();
		for (const role of StaffRoleValues) staff[role] = await staffClaims(db, `${role}@can.test`, role, role === 'handler' ? { departmentCode: 'water' } : { departmentCode: 'emergency' });
	});
	afterAll(async () => {
		await db?.close();
	});

	it('MAY (staffOnly’s lists) says what app.role_may says, for every role and action', async () => {
		for (const action of ACTIONS) {
			for (const role of [...StaffRoleValues, 'open311', null]) {
				const [row] = await asService(db, (tx) => tx.query<{ ok: boolean | null }>('select app.role_may($1, $2) as ok', [role, action]));
				expect(row!.ok ?? false, `${role} ${action}`).toBe((MAY[action] as readonly (string | null)[]).includes(role));
			}
		}
	});

	it('can() answers by the caller’s role in the database, staff and API keys alike', async () => {
		for (const role of StaffRoleValues) {
			for (const action of ACTIONS) {
				expect(await as(db, staff[role]!, (tx) => can(tx, action)), `${role} ${action}`).toBe((MAY[action] as readonly string[]).includes(role));
			}
		}
		const issuerKey = (await findApiKey(db, await createApiKey(db, 'feed', 'warning_issuer')))!;
		const open311Key = (await findApiKey(db, await createApiKey(db, 'civic', 'open311')))!;
		expect(await as(db, claimsFor({ kind: 'apikey', ...issuerKey }), (tx) => can(tx, 'issue_warnings'))).toBe(true);
		expect(await as(db, claimsFor({ kind: 'apikey', ...open311Key }), (tx) => can(tx, 'issue_warnings'))).toBe(false);
		expect(await as(db, claimsFor({ kind: 'apikey', ...issuerKey }), (tx) => can(tx, 'administer'))).toBe(false);
	});

	it('refuses an action it does not know, rather than answering no', async () => {
		expect(await sqlState(as(db, staff.admin!, (tx) => tx.query("select app.can('adminster')")))).toBe('22023');
	});
});
