/**
 * Earthquake early warnings in the database: only the network's API key issues one,
 * without approval; nobody else can use that door — not a warning issuer's key, not a
 * signed-in issuer, not a role-switched connection writing SQL straight at the table or
 * calling the function (what Supabase's REST API reaches). Idempotent on event id +
 * sequence; a later revision replaces an earlier one; a late older one goes nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EewFacts, EewWire } from '../../eew/message';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { can } from '../auth/can';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { onEew } from './live';
import { EewRefused, issueEew, recentEews, startDrill } from './store';
import { EewInputError } from './validate';

// one origin for the whole file: the same message sent twice must be the same facts
const ORIGIN = new Date(Date.now() - 3000);
const facts = (over: Partial<EewFacts> = {}): EewFacts => ({
	eventId: 'CENC-20261204-001',
	sequence: 1,
	msgType: 'Alert',
	status: 'Actual',
	originTime: ORIGIN,
	lat: 40.5,
	lon: 117.0,
	depthKm: 10,
	magnitude: 5.2,
	...over
});

const RAW_INSERT = `insert into public.eew_messages (event_id, sequence, msg_type, status, origin_time, lat, lon, depth_km, magnitude, source)
  values ('forged', 1, 'Alert', 'Actual', now(), 40.4, 116.9, 10, 7.5, 'api')`;
const RAW_CALL = `select * from app.issue_eew('forged', 1, 'Alert', 'Actual', now(), 40.4, 116.9, 10, 7.5, 'api')`;

describe.each(backends())('earthquake early warnings on $name', (backend) => {
	let db: Database;
	let network: Claims, issuerKey: Claims, issuer: Claims, admin: Claims;
	const count = async () => Number((await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::int as n from public.eew_messages')))[0]!.n);

	beforeAll(async () => {
		db = await backend.open();
		const key = async (name: string, role: 'eew_network' | 'warning_issuer'): Promise<Claims> => ({
			role: 'authenticated',
			sub: (await findApiKey(db, await createApiKey(db, name, role)))!.id,
			api_key: true
		});
		network = await key('cenc-eew', 'eew_network');
		issuerKey = await key('cap-feed', 'warning_issuer');
		issuer = await staffClaims(db, 'issuer@eew.cn', 'warning_issuer');
		admin = await staffClaims(db, 'admin@eew.cn', 'admin');
	});
	afterAll(async () => {
		await db?.close();
	});

	it('the network issues at once, and the same message again is the same message', async () => {
		expect(await as(db, network, (tx) => can(tx, 'issue_eew'))).toBe(true);
		const first = await as(db, network, (tx) => issueEew(tx, facts(), 'api'));
		expect(first).toMatchObject({ created: true, latest: true });
		const again = await as(db, network, (tx) => issueEew(tx, facts(), 'cap'));
		expect(again).toEqual({ id: first.id, created: false, latest: true });
		// the same event and sequence with other facts is a conflict, not an overwrite
		await expect(as(db, network, (tx) => issueEew(tx, facts({ magnitude: 6.1 }), 'api'))).rejects.toThrow(EewInputError);
	});

	it('a later revision is the latest; an older one arriving late is kept but is not', async () => {
		const e = { eventId: 'CENC-rev' };
		await as(db, network, (tx) => issueEew(tx, facts({ ...e, sequence: 1 }), 'api'));
		expect(await as(db, network, (tx) => issueEew(tx, facts({ ...e, sequence: 3, msgType: 'Update', magnitude: 5.6 }), 'api'))).toMatchObject({ created: true, latest: true });
		expect(await as(db, network, (tx) => issueEew(tx, facts({ ...e, sequence: 2, msgType: 'Update', magnitude: 5.4 }), 'api'))).toMatchObject({ created: true, latest: false });
		const shown = (await as(db, ANON_CLAIMS, (tx) => recentEews(tx))).filter((w: EewWire) => w.e === 'CENC-rev');
		expect(shown).toHaveLength(1);
		expect(shown[0]).toMatchObject({ q: 3, m: 5.6 });
		// a drill event never turns Actual, nor the other way round
		await expect(as(db, network, (tx) => issueEew(tx, facts({ ...e, sequence: 4, status: 'Exercise' }), 'api'))).rejects.toThrow(EewInputError);
	});

	it('a warning issuer cannot use the EEW door to skip approval: not by key, not signed in, not by SQL', async () => {
		const before = await count();
		for (const who of [issuerKey, issuer, admin]) {
			expect(await as(db, who, (tx) => can(tx, 'issue_eew'))).toBe(false);
			await expect(as(db, who, (tx) => issueEew(tx, facts({ eventId: 'skip-approval' }), 'api'))).rejects.toThrow(EewRefused);
			// role-switched connection: straight at the function and the table
			expect(await sqlState(as(db, who, (tx) => tx.query(RAW_CALL)))).toBe('42501');
			expect(await sqlState(as(db, who, (tx) => tx.query(RAW_INSERT)))).toBe('42501');
		}
		// nor anonymous callers, nor the network itself by the table
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(RAW_INSERT)))).toBe('42501');
		expect(await sqlState(as(db, network, (tx) => tx.query(RAW_INSERT)))).toBe('42501');
		expect(await sqlState(as(db, network, (tx) => tx.query(`update public.eew_messages set magnitude = 8`)))).toBe('42501');
		// a drill is the only thing staff may start, and it is always an Exercise
		expect(await sqlState(as(db, issuer, (tx) => tx.query(`select app.start_eew_drill('110118107', 5.5, 10)`)))).toBeNull();
		expect(await sqlState(as(db, network, (tx) => tx.query(`select app.start_eew_drill('110118107', 5.5, 10)`)))).toBe('42501');
		expect(await count()).toBe(before + 1);
		const [drill] = await asService(db, (tx) => tx.query<{ status: string; source: string; town_code: string }>(`select status, source, town_code from public.eew_messages where source = 'drill'`));
		expect(drill).toEqual({ status: 'Exercise', source: 'drill', town_code: '110118107' });
	});

	it('a drill needs a real township and sensible numbers', async () => {
		await expect(as(db, issuer, (tx) => startDrill(tx, 'nowhere', 5, 10))).rejects.toThrow(/town/);
		await expect(as(db, issuer, (tx) => startDrill(tx, '110118107', 9.5, 10))).rejects.toThrow(/magnitude/);
	});

	it('every process hears of a new latest revision, with the row read from the table', async () => {
		const heard: EewWire[] = [];
		const stop = onEew(db, (w) => heard.push(w));
		await new Promise((r) => setTimeout(r, 200));
		await as(db, network, (tx) => issueEew(tx, facts({ eventId: 'CENC-live', sequence: 2, msgType: 'Update' }), 'api'));
		await as(db, network, (tx) => issueEew(tx, facts({ eventId: 'CENC-live', sequence: 1 }), 'api'));
		// a made-up NOTIFY names no row: nothing is passed on
		await asService(db, (tx) => tx.query(`select pg_notify('eew', '{"type":"eew","m":9}')`));
		for (let i = 0; i < 50 && heard.length < 1; i++) await new Promise((r) => setTimeout(r, 50));
		await new Promise((r) => setTimeout(r, 300));
		stop();
		expect(heard.map((w) => [w.e, w.q])).toEqual([['CENC-live', 2]]);
	});
});
