/**
 * The two-person approval against a direct database caller (what Supabase's REST API
 * reaches without this server): role-switched connections as an issuer, an admin and an
 * API key, writing SQL straight into public.warnings. None of them may put an orange or
 * red Actual warning out without a second person approving exactly what goes out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapMsgTypeValues, CapStatusValues, WarningLevelValues, type CapMsgType, type CapStatus, type WarningLevel } from '../../db-types.gen';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { asService, type Claims } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import * as warnings from './store';
import { rainstorm } from './testing/fixtures';

const AREA = `extensions.st_multi(extensions.st_buffer(extensions.st_setsrid(extensions.st_makepoint(116.85, 40.40), 4326), 0.02))`;

/** An INSERT as Supabase REST would send it: every column chosen by the caller. */
function rawInsert(tx: Queryable, state: string, approvedBy: string | null) {
	return tx.query<{ id: string; state: string; approved_by: string | null; revision: number }>(
		`insert into public.warnings (identifier, sender, status, msg_type, hazard, level, expires, areas, area, state, approved_by, thread_id)
		 values ('rest-' || gen_random_uuid(), 'rest', 'Actual', 'Alert', 'rainstorm', 'red', now() + interval '6 hours',
		         '[{"kind":"circle"}]', ${AREA}, $1, $2, gen_random_uuid())
		 returning id, state, approved_by, revision`,
		[state, approvedBy]
	);
}

describe.each(backends())('two-person approval for direct database callers on $name', (backend) => {
	let db: Database;
	let issuer: Claims, admin: Claims, machine: Claims;
	const count = async () =>
		Number((await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::int as n from public.warnings')))[0]!.n);
	const draft = async (who: Claims) => {
		const saved = await as(db, who, (tx) => warnings.saveDraft(tx, rainstorm()));
		if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
		return saved.id;
	};
	const revisionOf = async (id: string) => (await as(db, admin, (tx) => warnings.get(tx, id)))!.revision;

	beforeAll(async () => {
		db = await backend.open();
		issuer = await staffClaims(db, 'issuer@approval.cn', 'warning_issuer');
		admin = await staffClaims(db, 'admin@approval.cn', 'admin');
		const key = await createApiKey(db, 'approval-feed', 'warning_issuer');
		machine = { role: 'authenticated', sub: (await findApiKey(db, key))!.id, api_key: true };
	});
	afterAll(async () => {
		await db?.close();
	});

	it('an issuer cannot INSERT a red warning already issued, even naming an approver', async () => {
		const before = await count();
		expect(await sqlState(as(db, issuer, (tx) => rawInsert(tx, 'issued', admin.sub!)))).toBe('42501');
		expect(await sqlState(as(db, admin, (tx) => rawInsert(tx, 'issued', issuer.sub!)))).toBe('42501');
		expect(await count()).toBe(before);
	});

	it('an approver named on INSERT is dropped: a new row carries no approval', async () => {
		const [row] = await as(db, issuer, (tx) => rawInsert(tx, 'draft', admin.sub!));
		expect(row).toMatchObject({ state: 'draft', approved_by: null, revision: 1 });
	});

	it('approved_by must be a staff member', async () => {
		const id = await draft(issuer);
		const made_up = '00000000-0000-4000-8000-000000000001';
		expect(await sqlState(asService(db, (tx) => tx.query('update public.warnings set approved_by = $2 where id = $1', [id, made_up])))).toBe('23503');
	});

	it('an approval cannot be recorded on a draft and carried to issue', async () => {
		const id = await draft(issuer);
		expect(await sqlState(as(db, admin, (tx) => tx.query(`update public.warnings set approved_by = auth.uid() where id = $1`, [id])))).toBe('42501');
		// nor while withdrawing it
		await as(db, issuer, (tx) => warnings.submit(tx, id));
		expect(
			await sqlState(as(db, admin, (tx) => tx.query(`update public.warnings set state = 'draft', approved_by = auth.uid() where id = $1`, [id])))
		).toBe('42501');
		expect(await sqlState(as(db, issuer, (tx) => tx.query(`update public.warnings set state = 'issued' where id = $1`, [id])))).toBe('42501');
	});

	it('an approval names the revision it approves: text changed after review is not issued on it', async () => {
		const id = await draft(issuer);
		await as(db, issuer, (tx) => warnings.submit(tx, id));
		const reviewed = await revisionOf(id);
		// the author withdraws it, changes the instruction and submits it again
		await as(db, issuer, (tx) => warnings.withdraw(tx, id));
		await as(db, issuer, (tx) => tx.query(`update public.warning_infos set instruction = 'Stay at home.' where warning_id = $1 and lang = 'en'`, [id]));
		await as(db, issuer, (tx) => warnings.submit(tx, id));
		const now = await revisionOf(id);
		expect(now).toBeGreaterThan(reviewed);

		expect(await as(db, admin, (tx) => warnings.approve(tx, id, reviewed))).toEqual({ ok: false, message: 'warnings.err_changed_since_review' });
		// straight SQL with the old revision, or with none, is refused by the database itself
		const direct = (rev: number | null) =>
			as(db, admin, (tx) => tx.query(`update public.warnings set state = 'issued', approved_by = auth.uid(), approved_revision = $2 where id = $1`, [id, rev]));
		expect(await sqlState(direct(reviewed))).toBe('42501');
		expect(await sqlState(direct(null))).toBe('42501');
		// nor can the revision be set back to what was reviewed
		expect(await sqlState(as(db, issuer, (tx) => tx.query('update public.warnings set revision = $2 where id = $1', [id, reviewed])))).toBe('42501');
		expect((await as(db, admin, (tx) => warnings.get(tx, id)))!.state).toBe('pending');

		expect(await as(db, admin, (tx) => warnings.approve(tx, id, now))).toEqual({ ok: true, state: 'issued' });
		const issued = (await as(db, admin, (tx) => warnings.get(tx, id)))!;
		expect([issued.approvedBy, issued.revision]).toEqual([admin.sub, now]);
	});

	it('changing a field of a draft raises its revision; the revision cannot be lowered', async () => {
		const id = await draft(issuer);
		const first = await revisionOf(id);
		await as(db, issuer, (tx) => tx.query(`update public.warnings set level = 'orange' where id = $1`, [id]));
		expect(await revisionOf(id)).toBe(first + 1);
		await as(db, issuer, (tx) => tx.query(`update public.warnings set revision = 1 where id = $1`, [id]));
		expect(await revisionOf(id)).toBe(first + 2);
	});

	it('the guard takes its approver rule from app.warning_may_approve: refused to those it refuses, allowed to those it allows', async () => {
		// one rule, read by the console's lists and the trigger alike
		const [fn] = await asService(db, (tx) =>
			tx.query<{ src: string }>(`select p.prosrc as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'app' and p.proname = 'warnings_approval_guard'`)
		);
		expect(fn!.src).toContain('app.warning_may_approve(');
		expect(fn!.src).not.toMatch(/role in \('warning_issuer', 'admin'\)/);

		const handler = await staffClaims(db, 'handler@approval.cn', 'handler', { departmentCode: 'water' });
		const gone = await staffClaims(db, 'gone-issuer@approval.cn', 'warning_issuer');
		await asService(db, (tx) => tx.query('update public.staff set active = false where user_id = $1', [gone.sub]));
		const id = await draft(issuer);
		await as(db, issuer, (tx) => warnings.submit(tx, id));
		const rev = await revisionOf(id);
		const direct = (who: Claims) =>
			as(db, who, (tx) => tx.query(`update public.warnings set state = 'issued', approved_by = auth.uid(), approved_revision = $2 where id = $1`, [id, rev]));
		const mayApprove = async (who: Claims) =>
			(await asService(db, (tx) => tx.query<{ ok: boolean }>('select app.warning_may_approve(s, $2) as ok from public.staff s where s.user_id = $1', [who.sub, issuer.sub])))[0]!.ok;
		for (const who of [issuer, gone, handler]) {
			expect(await mayApprove(who)).toBe(false);
			// the handler's RLS may hide the row (no error, nothing changed) or the guard refuses it
			const state = await sqlState(direct(who));
			expect([null, '42501']).toContain(state);
			expect((await as(db, admin, (tx) => warnings.get(tx, id)))!.state).toBe('pending');
		}
		expect(await mayApprove(admin)).toBe(true);
		expect(await sqlState(direct(admin))).toBeNull();
		expect((await as(db, admin, (tx) => warnings.get(tx, id)))!.state).toBe('issued');
	});

	it("an API key does not stand in for the second person on a console draft", async () => {
		const id = await draft(issuer);
		await as(db, issuer, (tx) => warnings.submit(tx, id));
		expect(await sqlState(as(db, machine, (tx) => tx.query(`update public.warnings set state = 'issued' where id = $1`, [id])))).toBe('42501');
	});

	it('nothing is issued without text, even by an API key inserting it issued', async () => {
		const before = await count();
		expect(await sqlState(as(db, machine, (tx) => rawInsert(tx, 'issued', null)))).toBe('22023');
		expect(await count()).toBe(before);
	});

	it('an API key still issues what it drafted itself at once (an upstream platform approved it)', async () => {
		const id = await draft(machine);
		const [row] = await as(db, machine, (tx) => tx.query<{ state: string }>(`update public.warnings set state = 'issued' where id = $1 returning state`, [id]));
		expect(row!.state).toBe('issued');
	});

	it('the console’s "submit for approval" agrees with the database on every status, kind and level', async () => {
		// Every combination of the enums, read through needsApproval (parameter order included).
		const table = await asService(db, (tx) =>
			tx.query<{ status: CapStatus; msg_type: CapMsgType; level: WarningLevel; needs: boolean }>(
				`select s as status, m as msg_type, l as level, app.warning_needs_approval(s, m, l) as needs
				   from unnest(enum_range(null::public.cap_status)) s, unnest(enum_range(null::public.cap_msg_type)) m,
				        unnest(enum_range(null::public.warning_level)) l`
			)
		);
		expect(table).toHaveLength(CapStatusValues.length * CapMsgTypeValues.length * WarningLevelValues.length);
		for (const row of table) {
			expect(await as(db, issuer, (tx) => warnings.needsApproval(tx, { status: row.status, msgType: row.msg_type, level: row.level })), JSON.stringify(row)).toBe(row.needs);
		}
		// A drill or a test is public too: orange and red wait for the second person whatever the status.
		for (const status of ['Actual', 'Exercise', 'Test'] as const) {
			expect(await as(db, issuer, (tx) => warnings.needsApproval(tx, { status, msgType: 'Alert', level: 'orange' })), status).toBe(true);
			expect(await as(db, issuer, (tx) => warnings.needsApproval(tx, { status, msgType: 'Cancel', level: 'red' })), status).toBe(false);
			expect(await as(db, issuer, (tx) => warnings.needsApproval(tx, { status, msgType: 'Alert', level: 'yellow' })), status).toBe(false);
		}
		// And what submit() then does to a draft of each status and level the console writes.
		for (const status of ['Actual', 'Exercise', 'Test'] as const) {
			for (const level of WarningLevelValues) {
				const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, rainstorm({ status, level })));
				if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
				const said = await as(db, issuer, (tx) => warnings.needsApproval(tx, { status, msgType: 'Alert', level }));
				const done = await as(db, issuer, (tx) => warnings.submit(tx, saved.id));
				expect(done, `${status} ${level}`).toEqual({ ok: true, state: said ? 'pending' : 'issued' });
			}
		}
	});
});
