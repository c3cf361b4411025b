/**
 * Ending a warning needs a reason (stored as the Cancel's CAP note, shown in the history,
 * exported), and a waiting red warning says who may approve it and shows up on the
 * console of those who may (outside findings, 2026-12-04 night).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { waitingFor } from '../console/waiting';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { exportCap } from './cap-store';
import * as warnings from './store';
import { rainstorm } from './testing/fixtures';

describe.each(backends())('ending and approving warnings on $name', (backend) => {
	let db: Database;
	let author: Claims, other: Claims, admin: Claims, handler: Claims;

	beforeAll(async () => {
		db = await backend.open();
		author = await staffClaims(db, 'author@end.cn', 'warning_issuer');
		other = await staffClaims(db, 'other@end.cn', 'warning_issuer');
		admin = await staffClaims(db, 'admin@end.cn', 'admin');
		handler = await staffClaims(db, 'handler@end.cn', 'handler');
	}, 120_000);
	afterAll(() => db?.close());

	const issuedYellow = () =>
		as(db, author, async (tx) => {
			const saved = await warnings.saveDraft(tx, rainstorm({ level: 'yellow' }));
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			await warnings.submit(tx, saved.id);
			return (await warnings.get(tx, saved.id))!;
		});

	it('refuses to end a warning without a reason, and ends it with one: stored, in the history, in the CAP Cancel', async () => {
		const live = await issuedYellow();
		expect(await as(db, author, (tx) => warnings.cancel(tx, live.threadId, '  '))).toEqual({ ok: false, message: 'warnings.err_cancel_reason' });
		expect(await as(db, author, (tx) => warnings.cancel(tx, live.threadId, 'x'.repeat(501)))).toEqual({ ok: false, message: 'warnings.err_cancel_reason_long' });
		expect((await as(db, author, (tx) => warnings.get(tx, live.id)))!.state).toBe('issued');

		expect(await as(db, author, (tx) => warnings.cancel(tx, live.threadId, '降雨已停止，河道水位回落'))).toEqual({ ok: true, state: 'issued' });
		const thread = await as(db, author, (tx) => warnings.thread(tx, live.threadId));
		const cancel = thread.find((m) => m.msgType === 'Cancel')!;
		expect(cancel.note).toBe('降雨已停止，河道水位回落');
		const history = await as(db, author, (tx) => warnings.audit(tx, live.threadId));
		expect(history.filter((e) => e.warning_id === cancel.id).map((e) => e.note)).toContain('降雨已停止，河道水位回落');
		const xml = await as(db, ANON_CLAIMS, (tx) => exportCap(tx, cancel, 'https://safe.example.cn'));
		expect(xml).toContain('<note>降雨已停止，河道水位回落</note>');
	});

	it('refuses a console Cancel without a note in the database itself', async () => {
		const live = await issuedYellow();
		const state = await sqlState(
			as(db, author, (tx) =>
				tx.query(
					`insert into public.warnings (identifier, sender, status, msg_type, references_id, hazard, level, expires, areas, area, source, thread_id)
					 select 'no-reason-' || gen_random_uuid(), w.sender, w.status, 'Cancel', w.id, w.hazard, w.level, w.expires, w.areas, w.area, 'console', w.thread_id
					   from public.warnings w where w.id = $1`,
					[live.id]
				)
			)
		);
		expect(state).toBe('23514');
	});

	it('names who may approve a waiting red warning (not its author), lists it for them and not for the author', async () => {
		const id = await as(db, author, async (tx) => {
			const saved = await warnings.saveDraft(tx, rainstorm({ level: 'red' }));
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			expect(await warnings.submit(tx, saved.id)).toEqual({ ok: true, state: 'pending' });
			return saved.id;
		});
		const names = await as(db, author, (tx) => warnings.approvers(tx, id));
		expect(names).toEqual(expect.arrayContaining(['admin@end.cn', 'other@end.cn']));
		expect(names).not.toContain('author@end.cn');
		expect(names).not.toContain('handler@end.cn');

		expect((await as(db, other, waitingFor)).toApprove.map((w) => w.id)).toContain(id);
		expect((await as(db, admin, waitingFor)).toApprove.map((w) => w.id)).toContain(id);
		const mine = await as(db, author, waitingFor);
		expect(mine.toApprove.map((w) => w.id)).not.toContain(id);
		expect(mine.mineWaiting.map((w) => w.id)).toContain(id);
		expect((await as(db, handler, waitingFor)).toApprove).toEqual([]);

		// staff names are not for everyone
		expect(await sqlState(as(db, handler, (tx) => warnings.approvers(tx, id)))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select * from app.warning_approvers($1)', [id])))).toBe('42501');

		await as(db, admin, async (tx) => warnings.approve(tx, id, (await warnings.get(tx, id))!.revision));
		expect(await as(db, author, (tx) => warnings.approvers(tx, id))).toEqual([]);
		expect((await as(db, other, waitingFor)).toApprove.map((w) => w.id)).not.toContain(id);
	});
});
