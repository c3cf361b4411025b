/**
 * The evacuation roll and its marks on real databases: who may read and write the roll
 * (both ways, through the module and by plain SQL as each role), the all-or-nothing
 * import, which warnings list households, concurrent and repeated marks, and shelter
 * occupancy following arrivals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import type { HazardCode, WarningLevel } from '../../hazards';
import * as roll from './roll';
import * as marks from './marks';
import { prunePersonalData } from '../retention';

const TOWN = '110118101';
const OTHER_TOWN = '110118106';
const HEADER = roll.COLUMNS.join(',');

describe.each(backends())('the evacuation roll on $name', (backend) => {
	let db: Database;
	let admin: Claims, townStaff: Claims, townColleague: Claims, townHandler: Claims, otherTown: Claims, waterHandler: Claims, feed: Claims;
	let village: string, otherVillage: string, shelterId: string;

	beforeAll(async () => {
		db = await backend.open();
		const add = async (email: string, role: string, unit: { departmentCode?: string; townCode?: string }) => {
			const { userId } = await addStaff(db, { email, password: 'correct horse battery', role, ...unit, displayName: email.split('@')[0] });
			return { role: 'authenticated', sub: userId, email } satisfies Claims;
		};
		admin = await add('admin@test.cn', 'admin', { departmentCode: 'emergency' });
		townStaff = await add('xwz@test.cn', 'dispatcher', { townCode: TOWN });
		townColleague = await add('xwz2@test.cn', 'warning_issuer', { townCode: TOWN });
		townHandler = await add('xwz-handler@test.cn', 'handler', { townCode: TOWN });
		otherTown = await add('mjy@test.cn', 'dispatcher', { townCode: OTHER_TOWN });
		waterHandler = await add('water@test.cn', 'handler', { departmentCode: 'water' });
		const key = await createApiKey(db, 'feed', 'warning_issuer');
		feed = { role: 'authenticated', sub: (await findApiKey(db, key))!.id, api_key: true };
		await asService(db, async (tx) => {
			[{ code: village }] = (await tx.query<{ code: string }>('select code from public.villages where town_code = $1 order by code limit 1', [TOWN])) as [{ code: string }];
			[{ code: otherVillage }] = (await tx.query<{ code: string }>('select code from public.villages where town_code = $1 order by code limit 1', [OTHER_TOWN])) as [{ code: string }];
			[{ id: shelterId }] = (await tx.query<{ id: string }>(
				`insert into public.shelters (ref, name_zh, name_en, town_code, position, class, indoor, capacity, hazards)
				 values ('evac-school', '测试学校', 'Test school', $1, extensions.st_setsrid(extensions.st_makepoint(116.85, 40.47), 4326)::extensions.geography,
				         'short_term', true, 300, '{flood,flash_flood}') returning id`,
				[TOWN]
			)) as [{ id: string }];
		});
	});
	afterAll(async () => {
		await db?.close();
	});

	const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n');
	const importAs = (claims: Claims, content: string) =>
		as(db, claims, async (tx) => {
			const parsed = roll.parseRoll(content, await roll.rollContext(tx));
			return parsed.errors.length ? parsed : { ...parsed, written: await roll.write(tx, parsed.rows) };
		});

	it('imports a township’s households, by village code or name, with Chinese words for the vulnerable and hazards', async () => {
		const [{ name }] = (await asService(db, (tx) => tx.query<{ name: string }>('select name_zh as name from public.villages where code = $1', [village]))) as [{ name: string }];
		const result = await importAs(townStaff, csv(
			`h1,${village},王大爷,13900000001,一组3号,1,独居老人,evac-school,,张干部,13800000001,山洪`,
			`h2,${name},李家,13900000002,,4,children;disabled,,亲戚家,张干部,13800000001,flash_flood;landslide`,
			`h3,${village},赵家,,,3,,,,刘干部,13800000002,flash_flood`
		));
		expect(result).toMatchObject({ errors: [], written: { inserted: 3, updated: 0 } });
		const rows = await as(db, townStaff, roll.list);
		expect(rows.map((r) => [r.ref, r.village_code, r.vulnerable, r.hazards, r.shelter_ref, r.refuge_note])).toEqual([
			['h1', village, ['elderly_alone'], ['flash_flood'], 'evac-school', null],
			['h2', village, ['children', 'disabled'], ['flash_flood', 'landslide'], null, '亲戚家'],
			['h3', village, [], ['flash_flood'], null, null]
		]);
		// The same ref again updates, never doubles.
		expect(await importAs(townStaff, csv(`h3,${village},赵家,,,5,,,,刘干部,13800000002,flash_flood`))).toMatchObject({ written: { inserted: 0, updated: 1 } });
		expect((await as(db, townStaff, roll.list)).find((r) => r.ref === 'h3')!.people).toBe(5);
	});

	it('refuses a file with any wrong row, naming the row and the column, and writes nothing', async () => {
		const result = await importAs(townStaff, csv(
			`ok1,${village},甲,,,2,,,,张干部,13800000001,flash_flood`,
			`bad,${village},,call me,,0,grumpy,no-such-shelter,,张干部,,volcano`,
			`other,${otherVillage},乙,,,2,,,,张干部,13800000001,flash_flood`
		));
		expect(result.errors).toEqual([
			{ row: 3, column: 'head_name', message: 'shelters.import.required' },
			{ row: 3, column: 'phone', message: 'shelters.import.bad_phone' },
			{ row: 3, column: 'people', message: 'evacuation.import.bad_people' },
			{ row: 3, column: 'vulnerable', message: 'shelters.import.unknown_code' },
			{ row: 3, column: 'shelter_ref', message: 'evacuation.import.unknown_shelter' },
			{ row: 3, column: 'cadre_phone', message: 'shelters.import.required' },
			{ row: 3, column: 'hazards', message: 'shelters.import.unknown_code' },
			{ row: 4, column: 'village', message: 'evacuation.import.not_your_town' }
		]);
		expect((await as(db, townStaff, roll.list)).map((r) => r.ref)).not.toContain('ok1');
		expect(roll.parseRoll('ref,village,colour\r\n', { villages: new Map(), villageNames: new Map(), shelters: new Map(), town: null }).errors).toContainEqual({ row: 1, column: 'colour', message: 'shelters.import.unknown_column' });
	});

	it('shows the roll to the township’s staff and admins only', async () => {
		expect(await as(db, townColleague, roll.list)).toHaveLength(3);
		expect(await as(db, admin, roll.list)).toHaveLength(3);
		for (const claims of [otherTown, townHandler, waterHandler]) expect(await as(db, claims, roll.list)).toEqual([]);
		expect(await sqlState(as(db, ANON_CLAIMS, roll.list))).toBe('42501');
	});

	it('refuses, by plain SQL as each role, what the roll’s policies forbid', async () => {
		const [{ id }] = (await asService(db, (tx) => tx.query<{ id: string }>(`select id from public.evac_households where ref = 'h1'`))) as [{ id: string }];
		const insert = (v: string) => `insert into public.evac_households (town_code, village_code, head_name, people, cadre_name, cadre_phone, hazards)
		                                values ('x', '${v}', 'x', 1, 'x', '123', '{flash_flood}')`;
		for (const claims of [otherTown, townHandler, waterHandler]) {
			expect(await as(db, claims, (tx) => tx.query(`select * from public.evac_households`))).toEqual([]);
			expect(await as(db, claims, (tx) => tx.query(`update public.evac_households set people = 99 where id = $1 returning id`, [id]))).toEqual([]);
			expect(await as(db, claims, (tx) => tx.query(`delete from public.evac_households where id = $1 returning id`, [id]))).toEqual([]);
			expect(await sqlState(as(db, claims, (tx) => tx.query(insert(village))))).toBe('42501');
			expect(await as(db, claims, (tx) => tx.query(`select * from public.evac_marks`))).toEqual([]);
		}
		// The township is the village's, whatever the row claims: staff cannot file a household under another township.
		expect(await sqlState(as(db, townStaff, (tx) => tx.query(insert(otherVillage))))).toBe('42501');
		for (const table of ['public.evac_households', 'public.evac_marks']) {
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`select * from ${table}`)))).toBe('42501');
		}
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select * from public.evacuation_now()')))).toBe('42501');
		const [after] = await asService(db, (tx) => tx.query<{ people: number }>('select people from public.evac_households where id = $1', [id]));
		expect(after!.people).toBe(1);
	});

	describe('during a warning', () => {
		async function issue(hazard: HazardCode, level: WarningLevel, town = TOWN): Promise<string> {
			const saved = await as(db, feed, (tx) => warnings.saveDraft(tx, rainstorm({ hazard, level, areas: [{ kind: 'geocode', code: town }] })));
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			await as(db, feed, (tx) => tx.query(`update public.warnings set state = 'issued' where id = $1`, [saved.id]));
			const [{ thread_id }] = (await asService(db, (tx) => tx.query<{ thread_id: string }>('select thread_id from public.warnings where id = $1', [saved.id]))) as [{ thread_id: string }];
			return thread_id;
		}
		const cancel = async (thread: string) => expect(await as(db, feed, (tx) => warnings.cancel(tx, thread, 'lifted upstream'))).toMatchObject({ ok: true });
		const occupancy = async () => (await asService(db, (tx) => tx.query<{ occupancy: number }>('select occupancy from public.shelters where id = $1', [shelterId])))[0]!.occupancy;
		const key = () => crypto.randomUUID();

		it('lists nobody for a warning that does not move people, or covers another township', async () => {
			const threads = [await issue('rainstorm', 'orange'), await issue('heat', 'red'), await issue('flash_flood', 'red', OTHER_TOWN)];
			try {
				expect(await as(db, townStaff, marks.toMove)).toEqual([]);
			} finally {
				for (const t of threads) await cancel(t);
			}
		});

		it('lists a covered village’s households for its staff, vulnerable first by cadre; marks win by time and keep history', async () => {
			const thread = await issue('flash_flood', 'red');
			try {
				const rows = await as(db, townStaff, marks.toMove);
				expect(marks.byCadre(rows).map((g) => [g.cadre_name, g.households.map((h) => h.head_name)])).toEqual([
					['刘干部', ['赵家']],
					['张干部', ['李家', '王大爷']]
				]);
				expect(rows.every((r) => r.warning_thread === thread && r.status === null)).toBe(true);
				for (const claims of [otherTown, townHandler]) expect(await as(db, claims, marks.toMove)).toEqual([]);

				const wang = rows.find((r) => r.head_name === '王大爷')!.household_id;
				const before = await occupancy();
				const t0 = Date.now();
				const at = (ms: number) => new Date(t0 + ms).toISOString();
				const moved = { key: key(), household: wang, thread, status: 'moved' as const, how: 'shelter', shelter: shelterId, markedAt: at(-60_000) };
				// Sent twice (the device's queue retried): stored once, occupancy rises once.
				expect(await as(db, townStaff, (tx) => marks.mark(tx, moved))).toBe('recorded');
				expect(await as(db, townStaff, (tx) => marks.mark(tx, moved))).toBe('duplicate');
				expect(await occupancy()).toBe(before + 1);

				// Two staff mark the same house at once: both kept, the later-made one wins.
				expect(await Promise.all([
					as(db, townStaff, (tx) => marks.mark(tx, { key: key(), household: wang, thread, status: 'notified', how: 'visit', shelter: null, markedAt: at(-30_000) })),
					as(db, townColleague, (tx) => marks.mark(tx, { key: key(), household: wang, thread, status: 'refused', how: null, shelter: null, markedAt: at(-20_000) }))
				])).toEqual(['recorded', 'recorded']);
				// A mark queued offline earlier arrives last: it joins the history, the newer status stays.
				await as(db, townStaff, (tx) => marks.mark(tx, { key: key(), household: wang, thread, status: 'unreachable', how: null, shelter: null, markedAt: at(-50_000) }));
				const history = await as(db, townStaff, (tx) => marks.history(tx, wang));
				expect(history.map((h) => [h.status, h.marked_by_name])).toEqual([['refused', 'xwz2'], ['notified', 'xwz'], ['unreachable', 'xwz'], ['moved', 'xwz']]);
				expect((await as(db, townStaff, marks.toMove)).find((r) => r.household_id === wang)).toMatchObject({ status: 'refused', marks: 4 });
				// Refused after all: the shelter gets the place back.
				expect(await occupancy()).toBe(before);

				await as(db, townColleague, (tx) => marks.mark(tx, { key: key(), household: wang, thread, status: 'moved', how: 'shelter', shelter: shelterId, markedAt: null }));
				expect((await as(db, townStaff, marks.toMove)).find((r) => r.household_id === wang)).toMatchObject({ status: 'moved', how: 'shelter', moved_to_en: 'Test school', marks: 5 });
				expect(await occupancy()).toBe(before + 1);

				// Moved on to relatives: the shelter gets the place back.
				await as(db, townColleague, (tx) => marks.mark(tx, { key: key(), household: wang, thread, status: 'moved', how: 'relatives', shelter: null, markedAt: null }));
				expect(await occupancy()).toBe(before);

				// Another township's staff cannot mark it, through the module or by SQL.
				expect(await as(db, otherTown, (tx) => marks.mark(tx, { ...moved, key: key() }))).toBe('forbidden');
				expect(await sqlState(as(db, otherTown, (tx) => tx.query(
					`insert into public.evac_marks (idempotency_key, household_id, warning_thread, status) values ($1, $2, $3, 'refused')`, [key(), wang, thread]
				)))).toBe('42501');
				expect(await sqlState(as(db, townStaff, (tx) => tx.query('update public.evac_marks set status = $1 where household_id = $2', ['refused', wang])))).toBe('42501');

				const picture = marks.picture(await as(db, admin, marks.toMove));
				expect(picture).toHaveLength(1);
				expect(picture[0]).toMatchObject({ town_code: TOWN, households: 3, to_notify: 2, moved: 1, people_moved: 1 });
				expect(marks.pictureCsv(picture)).toContain(`${TOWN},`);
			} finally {
				await cancel(thread);
			}
			expect(await as(db, townStaff, marks.toMove)).toEqual([]);
		});

		it('erases a warning’s marks 30 days after it ended, never sooner, and keeps the roll', async () => {
			const thread = await issue('landslide', 'red');
			const [first] = await as(db, townStaff, marks.toMove);
			await as(db, townStaff, (tx) => marks.mark(tx, { key: key(), household: first!.household_id, thread, status: 'unreachable', how: null, shelter: null, markedAt: null }));
			await cancel(thread);
			const kept = async () => (await asService(db, (tx) => tx.query('select 1 from public.evac_marks where warning_thread = $1', [thread]))).length;
			expect(await prunePersonalData(db)).toMatchObject({ evacuation_marks: 0 });
			expect(await kept()).toBe(1);
			// The same warning, ended 31 days ago (issued warnings are never edited: the guard trigger is set aside for the test).
			await db.transaction(async (tx) => {
				await tx.query(`set local session_replication_role = replica`);
				await tx.query(
				`update public.warnings set sent = now() - interval '32 days', effective = now() - interval '32 days', expires = now() - interval '31 days',
				        ended_at = case when ended_at is null then null else now() - interval '31 days' end
				  where thread_id = $1`, [thread]);
			});
			expect(await prunePersonalData(db)).toMatchObject({ evacuation_marks: 1 });
			expect(await kept()).toBe(0);
			expect(await as(db, townStaff, roll.list)).toHaveLength(3);
			expect(await sqlState(as(db, townStaff, (tx) => tx.query('select * from app.prune_evacuation_marks()')))).toBe('42501');
		});
	});
});

describe('marks sent by forms and queues', () => {
	const ok = { key: crypto.randomUUID(), household: crypto.randomUUID(), thread: crypto.randomUUID() };
	it('reads a good mark, and names the wrong field of a bad one', () => {
		expect(marks.parseMark({ ...ok, status: 'notified', how: 'phone' })).toMatchObject({ mark: { status: 'notified', how: 'phone', shelter: null } });
		expect(marks.parseMark({ ...ok, status: 'moved', how: 'shelter' })).toEqual({ error: 'shelter: required for moved to a shelter, and only then' });
		expect(marks.parseMark({ ...ok, status: 'refused', how: 'phone' })).toEqual({ error: 'how: none for refused' });
		expect(marks.parseMark({ ...ok, status: 'gone' })).toMatchObject({ error: expect.stringMatching(/^status:/) });
		expect(marks.parseMark({ ...ok, key: 'x', status: 'refused' })).toMatchObject({ error: expect.stringMatching(/^key:/) });
	});
});
