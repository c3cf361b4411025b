/**
 * What organisers may do with a volunteer and what a volunteer may do with their own
 * account, through role-switched connections: teams only of the organiser's township and
 * only with the volunteer's consent; "delete my account" keeps nothing but anonymous hours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import * as people from './people';
import { register } from './registrations';
import { addEvent, addVolunteer } from './testing';

describe.each(backends())('volunteer teams and accounts on $name', (backend) => {
	let db: Database;
	let organiser: Claims;

	beforeAll(async () => {
		db = await backend.open();
		const { userId } = await addStaff(db, { email: 'org@acct.test', password: 'correct horse battery', role: 'dispatcher', townCode: '110118101' });
		organiser = { role: 'authenticated', sub: userId };
	});
	afterAll(async () => {
		await db?.close();
	});

	const agree = (v: Claims) => as(db, v, (tx) => tx.query('update public.volunteers set team_consent = true where user_id = auth.uid()'));

	it("an organiser cannot look up or move another township's volunteer, nor one who did not agree", async () => {
		const team = (await as(db, organiser, (tx) => people.addTeam(tx, '110118101', 'Team Acct')))!;
		const elsewhere = await addVolunteer(db, '110118102', 'Elsewhere');
		await agree(elsewhere);
		const unwilling = await addVolunteer(db, '110118101', 'Unwilling');
		const willing = await addVolunteer(db, '110118101', 'Willing');
		await agree(willing);

		expect(await as(db, organiser, (tx) => people.joinTeam(tx, team, elsewhere.phone, false))).toEqual({ ok: false, problem: 'no_volunteer' });
		expect(await as(db, organiser, (tx) => people.joinTeam(tx, team, unwilling.phone, true))).toEqual({ ok: false, problem: 'no_volunteer' });
		expect(await as(db, organiser, (tx) => people.joinTeam(tx, team, willing.phone, false))).toEqual({ ok: true, name: 'Willing' });
		const teams = await asService(db, (tx) =>
			tx.query<{ name: string; team_id: string | null }>('select name, team_id from public.volunteers where user_id = any($1::uuid[]) order by name', [[elsewhere.sub, unwilling.sub, willing.sub]])
		);
		expect(teams).toEqual([
			{ name: 'Elsewhere', team_id: null },
			{ name: 'Unwilling', team_id: null },
			{ name: 'Willing', team_id: team }
		]);
	});

	it('a volunteer deletes their account: seat given back, hours kept without the person, nothing else left', async () => {
		const past = await addEvent(db, { startsInHours: -5, deadlineInHours: -6 });
		const coming = await addEvent(db, { capacity: 1 });
		const me = await addVolunteer(db);
		const next = await addVolunteer(db);
		await asService(db, (tx) =>
			tx.query(
				`insert into public.volunteer_registrations (event_id, volunteer_id, status, code, checked_in_at, checked_out_at, hours)
				 values ($1, $2, 'confirmed', 'DDDDDDDD', now() - interval '5 hours', now() - interval '2 hours', 3)`,
				[past, me.sub]
			)
		);
		expect(await as(db, me, (tx) => register(tx, coming))).toMatchObject({ ok: true, status: 'confirmed' });
		expect(await as(db, next, (tx) => register(tx, coming))).toMatchObject({ ok: true, status: 'waitlisted' });
		await asService(db, (tx) => tx.query(`insert into app_private.volunteer_codes (phone, address, code_hash, expires_at) values ($1, '10.0.0.1', repeat('a', 64), now())`, [me.phone]));

		await as(db, me, (tx) => people.deleteAccount(tx));

		const left = await asService(db, (tx) =>
			tx.query<{ n: number }>(
				`select (select count(*) from auth.users where id = $1) + (select count(*) from public.volunteers where user_id = $1)
				      + (select count(*) from public.volunteer_registrations where volunteer_id = $1)
				      + (select count(*) from app_private.volunteer_sessions where user_id = $1)
				      + (select count(*) from app_private.volunteer_codes where phone = $2)
				      + (select count(*) from public.delivery_queue where address = $2 and template <> 'promoted') as n`,
				[me.sub, me.phone]
			)
		);
		expect(Number(left[0]!.n)).toBe(0);
		const kept = await asService(db, (tx) => tx.query<{ event_id: string; hours: string }>('select event_id, hours::text from public.volunteer_hours_kept'));
		expect(kept).toEqual([{ event_id: past, hours: '3.00' }]);
		const promoted = await asService(db, (tx) => tx.query<{ status: string }>('select status from public.volunteer_registrations where volunteer_id = $1', [next.sub]));
		expect(promoted).toEqual([{ status: 'confirmed' }]);
		// Somebody who is not a volunteer has no account to delete.
		expect(await sqlState(as(db, organiser, (tx) => people.deleteAccount(tx)))).toBe('P0002');
	});
});
