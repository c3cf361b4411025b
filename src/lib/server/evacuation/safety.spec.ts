/**
 * "I am safe" / "I need help" and the roll's history on real databases: web marks, a
 * call for help filed as a priority report, SMS replies (the gateway's post, as a fake
 * gateway would send it), what staff of which township see beside the roll, the
 * relative's lookup (consent, sameness of "nothing", limits), what no role may do by
 * plain SQL, and erasure with the evacuation marks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { handleReply, keywordOf, parseInbound, tokenMatches } from '../messaging/sms/inbound';
import keywords from '../messaging/sms/keywords.json';
import { prunePersonalData } from '../retention';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import { freshIds } from '../reports/submit';
import * as roll from './roll';
import * as safety from './safety';

const TOWN = '110118101';
const OTHER_TOWN = '110118106';
const ON_ROLL = '13911110001';
const ON_ROLL_2 = '13911110002';
const NOT_ON_ROLL = '13911119999';

describe.each(backends())('residents’ safety marks on $name', (backend) => {
	let db: Database;
	let admin: Claims, townStaff: Claims, townHandler: Claims, otherTown: Claims, feed: Claims;
	let village: string, household: string, thread: string;
	const noLimit = () => null;

	beforeAll(async () => {
		db = await backend.open();
		const add = async (email: string, role: string, unit: { departmentCode?: string; townCode?: string }) => {
			const { userId } = await addStaff(db, { email, password: 'correct horse battery', role, ...unit, displayName: email.split('@')[0] });
			return { role: 'authenticated', sub: userId, email } satisfies Claims;
		};
		admin = await add('admin@test.cn', 'admin', { departmentCode: 'emergency' });
		townStaff = await add('town@test.cn', 'dispatcher', { townCode: TOWN });
		townHandler = await add('town-handler@test.cn', 'handler', { townCode: TOWN });
		otherTown = await add('other@test.cn', 'dispatcher', { townCode: OTHER_TOWN });
		const key = await createApiKey(db, 'feed', 'warning_issuer');
		feed = { role: 'authenticated', sub: (await findApiKey(db, key))!.id, api_key: true };
		[{ code: village }] = (await asService(db, (tx) => tx.query<{ code: string }>('select code from public.villages where town_code = $1 order by code limit 1', [TOWN]))) as [{ code: string }];
		// Added by the township's staff member, so the history names them.
		[{ id: household }] = (await as(db, townStaff, (tx) => tx.query<{ id: string }>(
			`insert into public.evac_households (town_code, ref, village_code, head_name, phone, address, people, cadre_name, cadre_phone, hazards)
			 values ($1, 's1', $2, 'Head one', '+86 139-1111-0001', 'Lane 1', 2, 'Cadre', '13800000001', '{flash_flood}'),
			        ($1, 's2', $2, 'Head two', $3, null, 1, 'Cadre', '13800000001', '{flash_flood}') returning id`,
			[TOWN, village, ON_ROLL_2]
		))) as [{ id: string }];
		const saved = await as(db, feed, (tx) => warnings.saveDraft(tx, rainstorm({ hazard: 'flash_flood', level: 'red', areas: [{ kind: 'geocode', code: TOWN }] })));
		if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
		await as(db, feed, (tx) => tx.query(`update public.warnings set state = 'issued' where id = $1`, [saved.id]));
		[{ thread_id: thread }] = (await asService(db, (tx) => tx.query<{ thread_id: string }>('select thread_id from public.warnings where id = $1', [saved.id]))) as [{ thread_id: string }];
	});
	afterAll(async () => {
		await db?.close();
	});

	const form = (fields: Record<string, string>) => {
		const f = new FormData();
		for (const [k, v] of Object.entries(fields)) f.set(k, v);
		return f;
	};
	const markSafe = (claims: Claims, fields: Record<string, string>) => {
		const { input, errors } = safety.parseSafe(form({ key: crypto.randomUUID(), thread, ...fields }));
		if (Object.keys(errors).length) return Promise.resolve({ errors });
		return as(db, claims, (tx) => safety.markSafe(tx, input));
	};
	const lookup = (phone: string, client = crypto.randomUUID()) => as(db, ANON_CLAIMS, (tx) => safety.lookup(tx, phone, client));

	it('records "I am safe" from the web once per form, and staff of the township see it beside the roll', async () => {
		const key = crypto.randomUUID();
		const input = { key, thread, place: 'shelter' as const, phone: '139 1111 0001', share: false };
		expect(await as(db, ANON_CLAIMS, (tx) => safety.markSafe(tx, input))).toEqual({ recorded: true });
		expect(await as(db, ANON_CLAIMS, (tx) => safety.markSafe(tx, input))).toEqual({ recorded: false });
		const seen = await as(db, townStaff, safety.forRoll);
		expect(seen[household]).toMatchObject({ status: 'safe', place: 'shelter', channel: 'web', ticket: null });
		expect(Object.keys(await as(db, admin, safety.forRoll))).toContain(household);
		for (const claims of [otherTown, townHandler]) expect(await as(db, claims, safety.forRoll)).toEqual({});
	});

	it('names the wrong field of a bad "safe" form, in the page and in the database', async () => {
		expect(await markSafe(ANON_CLAIMS, { phone: '12345' })).toEqual({ errors: { phone: 'safety.errors.phone' } });
		expect(await markSafe(ANON_CLAIMS, { share: 'on' })).toEqual({ errors: { share: 'safety.errors.share_needs_phone' } });
		expect(await markSafe(ANON_CLAIMS, { place: 'roof' })).toEqual({ errors: { place: 'safety.errors.place' } });
		const bad = { key: crypto.randomUUID(), thread: crypto.randomUUID(), place: null, phone: '', share: false };
		expect(await as(db, ANON_CLAIMS, (tx) => safety.markSafe(tx, bad))).toEqual({ field: 'thread', key: 'safety.errors.warning' });
		expect(await as(db, ANON_CLAIMS, (tx) => safety.markSafe(tx, { ...bad, thread: null, share: true }))).toEqual({ field: 'share', key: 'safety.errors.share_needs_phone' });
	});

	it('files "I need help" as a rescue report to the township, due within the hour, and marks it', async () => {
		const ids = freshIds();
		const outcome = await safety.askForHelp(
			{ db: (work) => as(db, ANON_CLAIMS, work), limit: noLimit },
			form({ ...ids, town: TOWN, village, address: 'Lane 2', phone: ON_ROLL_2, description: '' }),
			thread,
			{ description: 'I need help (test).', address: 'No address (test).' }
		);
		expect(outcome.kind).toBe('filed');
		const [report] = await asService(db, (tx) => tx.query<{ category: string; unit_town_code: string | null; department_code: string | null; hours: number; description: string }>(
			`select category, unit_town_code, department_code, extract(epoch from dispatch_due_at - created_at) / 3600 as hours, description
			   from public.reports where idempotency_key = $1`, [ids.key]));
		expect(report).toMatchObject({ category: 'rescue', department_code: null, description: 'I need help (test).' });
		expect(Number(report!.hours)).toBeLessThanOrEqual(1);
		const seen = await as(db, townStaff, safety.forRoll);
		const [second] = (await asService(db, (tx) => tx.query<{ id: string }>(`select id from public.evac_households where ref = 's2'`))) as [{ id: string }];
		expect(seen[second.id]).toMatchObject({ status: 'need_help', ticket: expect.stringMatching(/^MY-/) });
		// A call for help with no place is refused with the form's words, and files nothing.
		const defaults = { description: 'Help me please.', address: 'No address (test).' };
		const nowhere = await safety.askForHelp({ db: (work) => as(db, ANON_CLAIMS, work), limit: noLimit }, form({ ...freshIds() }), thread, defaults);
		expect(nowhere).toMatchObject({ kind: 'invalid', errors: { town: 'reports.errors.town' } });
		// Two words and a township are enough (an outside tester's "被困" was refused as too
		// short, and a township without a street address as nowhere): it is filed, with the
		// person's words kept.
		const short = freshIds();
		const brief = await safety.askForHelp({ db: (work) => as(db, ANON_CLAIMS, work), limit: noLimit }, form({ ...short, town: TOWN, phone: '13922229999', description: 'SOS' }), thread, defaults);
		expect(brief.kind).toBe('filed');
		const [filed] = await asService(db, (tx) => tx.query<{ description: string; address: string | null }>(`select description, address from public.reports where idempotency_key = $1`, [short.key]));
		expect(filed).toMatchObject({ description: 'Help me please. SOS', address: 'No address (test).' });
	});

	it('shows a relative only a shared "safe", and the same "nothing" for everything else', async () => {
		// A shared safe from the web proves nothing about the number typed (an outside tester's
		// finding: anyone could mark someone else "safe, shelter"): kept for staff, never looked up.
		await markSafe(ANON_CLAIMS, { phone: '13922220001', place: 'relatives', share: 'on' });
		expect(await lookup('139-2222-0001')).toEqual({ answer: 'none' });
		const [kept] = await asService(db, (tx) => tx.query(`select channel, share from public.safety_marks where phone_key = '13922220001'`));
		expect(kept).toEqual({ channel: 'web', share: true });
		// From the number itself (an SMS reply: the carrier's sender): seen, with the place and the channel.
		await asService(db, (tx) =>
			tx.query(`insert into public.safety_marks (idempotency_key, status, place, phone_key, share, channel) values ($1, 'safe', 'relatives', '13922220001', true, 'sms')`, [crypto.randomUUID()])
		);
		expect(await lookup('139-2222-0001')).toMatchObject({ answer: 'safe', place: 'relatives', channel: 'sms' });
		// A later web mark hides it again (a spoofer can at most hide a "safe", never make one).
		await markSafe(ANON_CLAIMS, { phone: '13922220001', place: 'shelter', share: 'on' });
		expect(await lookup('13922220001')).toEqual({ answer: 'none' });
		// Safe but not shared: nothing.
		await markSafe(ANON_CLAIMS, { phone: '13922220002', place: 'home' });
		expect(await lookup('13922220002')).toEqual({ answer: 'none' });
		// Shared safe, then a call for help: the stale "safe" is no longer shown.
		await markSafe(ANON_CLAIMS, { phone: '13922220003', share: 'on' });
		await as(db, ANON_CLAIMS, (tx) => tx.query(`select public.safety_mark($1, null, 'need_help', null, '13922220003', false)`, [crypto.randomUUID()]));
		expect(await lookup('13922220003')).toEqual({ answer: 'none' });
		// A number nobody marked, and something that is no number at all: the same answer.
		expect(await lookup('13922229999')).toEqual({ answer: 'none' });
		expect(await lookup('hello')).toEqual({ answer: 'none' });
	});

	it('limits lookups per client and per number in the database, before reading anything', async () => {
		const client = crypto.randomUUID();
		for (let i = 0; i < 5; i++) expect((await lookup(`1393333000${i}`, client)).answer).toBe('none');
		expect(await lookup('13922220001', client)).toMatchObject({ answer: 'limited', retryAfter: expect.any(Number) });
		// One number from many clients: limited too.
		for (let i = 0; i < 10; i++) expect((await lookup('13944440000')).answer).toBe('none');
		expect(await lookup('13944440000')).toMatchObject({ answer: 'limited' });
		await asService(db, (tx) => tx.query('delete from public.safety_lookups'));
	});

	it('takes SMS replies from the gateway: SAFE marks the sender, HELP files for a number on the roll', async () => {
		expect(await handleReply(db, { from: '+8613911110001', text: `  ${keywords.safe_share[0]}! `, id: 'gw-1' }, noLimit)).toMatchObject({ action: 'safe', reply: expect.any(String) });
		// The gateway retries the same message: one mark.
		expect(await handleReply(db, { from: '+8613911110001', text: keywords.safe_share[0]!, id: 'gw-1' }, noLimit)).toMatchObject({ action: 'duplicate' });
		expect(await lookup(ON_ROLL)).toMatchObject({ answer: 'safe', channel: 'sms' });
		expect((await as(db, townStaff, safety.forRoll))[household]).toMatchObject({ status: 'safe', channel: 'sms' });

		const help = await handleReply(db, { from: ON_ROLL, text: 'help', id: 'gw-2' }, noLimit);
		expect(help).toMatchObject({ action: 'need_help', ticket: expect.stringMatching(/^MY-/) });
		const [report] = await asService(db, (tx) => tx.query<{ category: string; town_code: string; village_code: string }>(
			'select category, town_code, village_code from public.reports where ticket = $1', [help.ticket]));
		expect(report).toEqual({ category: 'rescue', town_code: TOWN, village_code: village });
		expect((await as(db, townStaff, safety.forRoll))[household]).toMatchObject({ status: 'need_help', ticket: help.ticket });
		// After the call for help, the earlier shared "safe" is no longer shown.
		expect(await lookup(ON_ROLL)).toEqual({ answer: 'none' });

		// A number on no roll: marked, answered with the numbers, no report (no place to route it to).
		const stranger = await handleReply(db, { from: NOT_ON_ROLL, text: 'SOS', id: 'gw-3' }, noLimit);
		expect(stranger.action).toBe('need_help');
		expect(stranger.ticket).toBeUndefined();
		// Anything else is left alone.
		expect(await handleReply(db, { from: ON_ROLL, text: 'thanks', id: 'gw-4' }, noLimit)).toEqual({ action: 'ignored', reply: null });
		// The report limit holds for calls for help from one number.
		const limited = await handleReply(db, { from: ON_ROLL_2, text: 'HELP', id: 'gw-5' }, () => new Date(Date.now() + 60_000));
		expect(limited.action).toBe('need_help');
		expect(limited.ticket).toBeUndefined();
	});

	it('refuses, by plain SQL as each role, what the marks’ policies forbid', async () => {
		for (const table of ['public.safety_marks', 'public.safety_lookups', 'public.evac_household_changes']) {
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`select * from ${table}`)))).toBe('42501');
		}
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(
			`insert into public.safety_marks (idempotency_key, status, phone_key, share, channel) values ($1, 'safe', '13911110001', true, 'sms')`, [crypto.randomUUID()]
		)))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`select app.phone_key('13911110001')`)))).toBe('42501');
		for (const claims of [otherTown, townHandler]) {
			expect(await as(db, claims, (tx) => tx.query('select * from public.safety_marks'))).toEqual([]);
			expect(await as(db, claims, (tx) => tx.query('select * from public.evac_household_changes'))).toEqual([]);
			expect(await sqlState(as(db, claims, (tx) => tx.query('delete from public.safety_marks')))).toBe('42501');
		}
		// Staff see only the marks of their roll's phones, and cannot change them.
		const visible = await as(db, townStaff, (tx) => tx.query<{ phone_key: string }>('select phone_key from public.safety_marks'));
		expect(new Set(visible.map((r) => r.phone_key))).toEqual(new Set([ON_ROLL, ON_ROLL_2]));
		expect(await sqlState(as(db, townStaff, (tx) => tx.query(`update public.safety_marks set share = true`)))).toBe('42501');
		// An anonymous caller cannot forge an SMS mark through the web function either: it always says "web", and a web mark is never looked up.
		await as(db, ANON_CLAIMS, (tx) => tx.query(`select public.safety_mark($1, null, 'safe', null, '13955550000', true)`, [crypto.randomUUID()]));
		const [forged] = await asService(db, (tx) => tx.query(`select channel from public.safety_marks where phone_key = '13955550000'`));
		expect(forged).toEqual({ channel: 'web' });
		expect(await lookup('13955550000')).toEqual({ answer: 'none' });
		expect(await sqlState(as(db, townStaff, (tx) => tx.query('select * from app.prune_evacuation_marks()')))).toBe('42501');
	});

	it('keeps the roll’s history: who changed which household, when and what; the township’s staff read it', async () => {
		await as(db, townStaff, (tx) => tx.query(`update public.evac_households set people = 3, phone = '13911110003' where id = $1`, [household]));
		await as(db, admin, (tx) => tx.query(`update public.evac_households set people = 3 where id = $1`, [household]));
		const history = await as(db, townStaff, (tx) => roll.changes(tx, household));
		expect(history.map((h) => [h.action, h.changed_by_name, Object.keys(h.changes).sort()])).toEqual([
			['edited', 'town', ['people', 'phone']],
			['added', 'town', expect.arrayContaining(['head_name', 'people', 'phone', 'village_code'])]
		]);
		expect(history[0]!.changes.people).toEqual({ from: 2, to: 3 });
		expect(await as(db, otherTown, (tx) => roll.changes(tx, household))).toEqual([]);
		expect(await as(db, townHandler, (tx) => roll.changes(tx, household))).toEqual([]);
		// Removed: who and when stay, the values go.
		await as(db, townStaff, (tx) => tx.query('delete from public.evac_households where id = $1', [household]));
		const after = await as(db, admin, (tx) => roll.changes(tx, household));
		expect(after.map((h) => h.action)).toEqual(['removed', 'edited', 'added']);
		expect(JSON.stringify(after)).not.toContain('13911110003');
		expect(after[1]!.changes.people).toEqual({});
	});

	it('erases the marks with the evacuation marks, 30 days after the warning ended', async () => {
		const count = async () => Number((await asService(db, (tx) => tx.query<{ n: number }>('select count(*) as n from public.safety_marks where warning_thread = $1', [thread])))[0]!.n);
		expect(await count()).toBeGreaterThan(0);
		expect(await prunePersonalData(db)).toMatchObject({ safety_marks: 0 });
		expect(await as(db, feed, (tx) => warnings.cancel(tx, thread, 'lifted upstream'))).toMatchObject({ ok: true });
		await db.transaction(async (tx) => {
			await tx.query(`set local session_replication_role = replica`);
			await tx.query(
				`update public.warnings set sent = now() - interval '32 days', effective = now() - interval '32 days', expires = now() - interval '31 days',
				        ended_at = case when ended_at is null then null else now() - interval '31 days' end
				  where thread_id = $1`, [thread]);
			await tx.query(`update public.safety_marks set created_at = now() - interval '31 days' where warning_thread is null`);
		});
		const pruned = await prunePersonalData(db);
		expect(pruned.safety_marks).toBeGreaterThan(0);
		expect(await count()).toBe(0);
		expect(Number((await asService(db, (tx) => tx.query<{ n: number }>('select count(*) as n from public.safety_marks')))[0]!.n)).toBe(0);
	});
});

describe('SMS replies', () => {
	it('reads keywords in either language, whatever the case, width and punctuation', () => {
		expect(keywordOf(keywords.safe[0]!)).toEqual({ status: 'safe', share: false, lang: 'zh-CN' });
		expect(keywordOf(` ${keywords.help[0]}！`)).toMatchObject({ status: 'need_help', lang: 'zh-CN' });
		expect(keywordOf('ｓａｆｅ')).toEqual({ status: 'safe', share: false, lang: 'en' });
		expect(keywordOf('Safe share.')).toEqual({ status: 'safe', share: true, lang: 'en' });
		expect(keywordOf('help')).toMatchObject({ status: 'need_help' });
		expect(keywordOf('I am safe, thanks')).toBeNull();
		expect(keywordOf('')).toBeNull();
	});

	it('compares the gateway token in constant time, and refuses a missing or wrong one', () => {
		const token = 'a'.repeat(40);
		expect(tokenMatches(token, token)).toBe(true);
		expect(tokenMatches(`${token}x`, token)).toBe(false);
		expect(tokenMatches('', token)).toBe(false);
		expect(tokenMatches(null, token)).toBe(false);
	});

	it('names the wrong field of a gateway post', () => {
		expect(parseInbound({ from: '13911110001', text: 'SAFE', id: 'x1' })).toEqual({ text: { from: '13911110001', text: 'SAFE', id: 'x1' } });
		expect(parseInbound({ text: 'SAFE' })).toMatchObject({ error: expect.stringMatching(/^from:/) });
		expect(parseInbound({ from: '13911110001', text: 5 })).toMatchObject({ error: expect.stringMatching(/^text:/) });
		expect(parseInbound({ from: '13911110001', text: 'x', id: 'a b' })).toMatchObject({ error: expect.stringMatching(/^id:/) });
		expect(parseInbound(null)).toMatchObject({ error: expect.stringMatching(/^from:/) });
	});
});
