/**
 * Which active warnings leave shelters out (public.hazard_shelter_exclusion), what the answer
 * says when every near shelter is left out, and the device's rule against the database's —
 * with real warnings issued through the warnings store, on real databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { as, backends } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import type { AreaSpec } from '../warnings/model';
import { HAZARD_CODES, type HazardCode, type WarningLevel } from '../../hazards';
import { nearestOnDevice } from '../../shelters/nearest';
import type { NearestAnswer } from '../../shelters/types';
import { shelterAnswer } from '../assistant/answers';
import { sqlState } from '../testing/db';
import { ReadModel } from '../public/read-model';
import * as shelters from '.';

// A point in the plains of Mujiayu; test shelters lie due north of it at known distances.
const HERE = { lat: 40.4, lon: 116.93 };
const north = (metres: number) => HERE.lat + metres / 111_320;

type Spec = { ref: string; metres: number; hazards: HazardCode[]; status?: string; occupancy?: number; capacity?: number };
const SPECS: Spec[] = [
	{ ref: 'park', metres: 580, hazards: ['earthquake'] },
	{ ref: 'school', metres: 1200, hazards: ['earthquake', 'flood'] },
	{ ref: 'hall', metres: 3000, hazards: ['flood'] },
	{ ref: 'packed', metres: 3500, hazards: ['flood', 'earthquake'], occupancy: 400, capacity: 400 },
	{ ref: 'hill', metres: 8000, hazards: ['flood', 'earthquake'] },
	{ ref: 'far', metres: 25_600, hazards: ['earthquake', 'flood'] }
];

async function insert(tx: Queryable, s: Spec): Promise<string> {
	const [row] = await tx.query<{ id: string }>(
		`insert into public.shelters (ref, name_zh, name_en, town_code, position, class, indoor, capacity, occupancy, hazards, status)
		 values ($1, $1, $1, '110118106', extensions.st_setsrid(extensions.st_makepoint($2, $3), 4326)::extensions.geography,
		         'emergency', false, $4, $5, $6::text[]::public.hazard_code[], $7) returning id`,
		[s.ref, HERE.lon, north(s.metres), s.capacity ?? 1000, s.occupancy ?? 0, s.hazards, s.status ?? 'open']
	);
	return row!.id;
}

/** The whole district and more: what an orange earthquake warning "over the district" covers. */
const DISTRICT_BOX: AreaSpec = { kind: 'polygon', points: [[40.1, 116.5], [40.1, 117.7], [40.9, 117.7], [40.9, 116.5], [40.1, 116.5]] };
/** A circle around HERE reaching 5 km: covers park, school, hall and packed, not hill. */
const AROUND_HERE: AreaSpec = { kind: 'circle', centre: [north(2000), HERE.lon], radiusKm: 5 };

describe.each(backends())('shelter exclusion on $name', (backend) => {
	let db: Database;
	let feed: Claims;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		db = await backend.open();
		await asService(db, async (tx) => {
			for (const s of SPECS) ids[s.ref] = await insert(tx, s);
		});
		// An upstream platform's key issues at once, as the CAP feed does.
		const key = await createApiKey(db, 'feed', 'warning_issuer');
		feed = { role: 'authenticated', sub: (await findApiKey(db, key))!.id, api_key: true };
	});
	afterAll(async () => {
		await db?.close();
	});

	/** Issues a real Actual warning; returns its thread id, to cancel. */
	async function issue(hazard: HazardCode, level: WarningLevel, area: AreaSpec): Promise<string> {
		const saved = await as(db, feed, (tx) => warnings.saveDraft(tx, rainstorm({ hazard, level, areas: [area] })));
		if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
		// What the CAP import does for a machine client: straight to issued.
		const [row] = await as(db, feed, (tx) => tx.query<{ state: string }>(`update public.warnings set state = 'issued' where id = $1 returning state`, [saved.id]));
		expect(row!.state).toBe('issued');
		return saved.id;
	}
	async function cancel(threadId: string) {
		expect(await as(db, feed, (tx) => warnings.cancel(tx, threadId, 'lifted upstream'))).toMatchObject({ ok: true });
	}
	const nearest = (hazard: HazardCode | null, limit = 3) => as(db, ANON_CLAIMS, (tx) => shelters.nearest(tx, { ...HERE, hazard, limit }));

	it('an orange earthquake warning over the whole district leaves every earthquake shelter in (the reported case)', async () => {
		const thread = await issue('earthquake', 'orange', DISTRICT_BOX);
		try {
			const answer = await nearest('earthquake');
			expect(answer.shelters.map((s) => s.name_en)).toEqual(['park', 'school', 'hill']);
			expect(answer.shelters[0]!.distance_m).toBeGreaterThan(575);
			expect(answer.shelters[0]!.distance_m).toBeLessThan(585);
			expect(answer.excluded.filter((e) => e.reason === 'in_warning_area')).toEqual([]);
		} finally {
			await cancel(thread);
		}
	});

	it('has one row per hazard: flood, flash flood, landslide, forest fire and hazmat exclude; earthquake and weather never', async () => {
		const rows = await as(db, ANON_CLAIMS, (tx) => tx.query<{ hazard: string; excludes: boolean; reason_zh: string; reason_en: string }>('select * from public.hazard_shelter_exclusion'));
		expect(rows.map((r) => r.hazard).sort()).toEqual([...HAZARD_CODES].sort());
		expect(rows.filter((r) => r.excludes).map((r) => r.hazard).sort()).toEqual(['flash_flood', 'flood', 'forest_fire', 'hazmat', 'landslide']);
		for (const r of rows) expect(r.reason_zh.length * r.reason_en.length).toBeGreaterThan(0);
	});

	it('the rule is not anyone’s to change but a migration’s', async () => {
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`update public.hazard_shelter_exclusion set excludes = true where hazard = 'earthquake'`)))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`delete from public.hazard_shelter_exclusion`)))).toBe('42501');
		const admin = { role: 'authenticated', sub: '00000000-0000-4000-8000-00000000000a' } satisfies Claims;
		expect(await sqlState(as(db, admin, (tx) => tx.query(`update public.hazard_shelter_exclusion set excludes = true where hazard = 'earthquake'`)))).toBe('42501');
		const [row] = await as(db, ANON_CLAIMS, (tx) => tx.query<{ excludes: boolean }>(`select excludes from public.hazard_shelter_exclusion where hazard = 'earthquake'`));
		expect(row!.excludes).toBe(false);
	});

	it('a flood warning leaves out the shelters in its area for whatever hazard is asked, says so, and gives the nearest outside', async () => {
		const thread = await issue('flood', 'yellow', AROUND_HERE);
		try {
			for (const hazard of ['flood', 'earthquake', null] as const) {
				const answer = await nearest(hazard);
				expect(answer.shelters.map((s) => s.name_en), String(hazard)).toEqual(['hill', 'far']);
				expect(answer.notice).toBe('all_near_excluded');
				expect(answer.excluded.length).toBeGreaterThan(0);
				for (const e of answer.excluded) {
					expect(e).toMatchObject({ reason: 'in_warning_area', warning_id: thread, warning_level: 'yellow', warning_hazard: 'flood' });
					expect(e.reason_en).toMatch(/flood warning area/);
					expect(e.reason_zh).toMatch(/洪水预警区域/);
				}
			}
		} finally {
			await cancel(thread);
		}
	});

	it('weather warnings over the same area leave every shelter in', async () => {
		const threads = [await issue('rainstorm', 'red', AROUND_HERE), await issue('gale', 'orange', AROUND_HERE), await issue('heat', 'red', DISTRICT_BOX)];
		try {
			const answer = await nearest('flood');
			expect(answer.shelters.map((s) => s.name_en)).toEqual(['school', 'hall', 'hill']);
			expect(answer.notice).toBeNull();
		} finally {
			for (const t of threads) await cancel(t);
		}
	});

	it('a shelter with no free place is full whatever its status says', async () => {
		const answer = await nearest('flood', 4);
		expect(answer.shelters.map((s) => s.name_en)).toEqual(['school', 'hall', 'hill', 'far']);
		expect(answer.excluded.map((e) => [e.name_en, e.reason])).toEqual([['packed', 'full']]);
	});

	it('never answers empty or far without saying why', async () => {
		expect(await nearest('hazmat')).toMatchObject({ shelters: [], excluded: [], notice: 'none_suitable' });
		const fromAfar = await as(db, ANON_CLAIMS, (tx) => shelters.nearest(tx, { lat: north(16_000), lon: HERE.lon, hazard: 'earthquake', limit: 3 }));
		expect(fromAfar.shelters[0]!.name_en).toBe('hill');
		expect(fromAfar.notice).toBe('none_near');
	});

	it('the assistant says when every near shelter is in a warning area, and whom to follow', async () => {
		const thread = await issue('flash_flood', 'orange', AROUND_HERE);
		try {
			const where = { lat: HERE.lat, lon: HERE.lon, label: 'here', approximate: false };
			const en = await as(db, ANON_CLAIMS, (tx) => shelterAnswer(tx, 'en', where, 'where is the nearest flood shelter'));
			expect(en.reply).toMatch(/Every suitable shelter within 5 km is inside an active warning area/);
			expect(en.reply).toMatch(/township and village staff/);
			expect(en.reply).toMatch(/hill/);
			expect(en.reply).toMatch(/school: inside a flash flood warning area/);
			const zh = await as(db, ANON_CLAIMS, (tx) => shelterAnswer(tx, 'zh-CN', where, '最近的洪水避难场所在哪'));
			expect(zh.reply).toMatch(/乡镇、村干部/);
		} finally {
			await cancel(thread);
		}
	});

	/** The fixture's warnings: a flood around HERE, an orange earthquake over the district (never excludes), a landslide at the hill. */
	const issueFixture = async () => [
		await issue('flood', 'yellow', AROUND_HERE),
		await issue('earthquake', 'orange', DISTRICT_BOX),
		await issue('landslide', 'red', { kind: 'circle', centre: [north(8000), HERE.lon], radiusKm: 0.5 })
	];

	/** Compares another answer with public.nearest_shelters over points, hazards and limits; returns how many exclusions it saw. */
	async function expectSameAsDatabase(other: (q: shelters.NearestQuery) => NearestAnswer): Promise<number> {
		const key = (a: NearestAnswer) => ({
			shelters: a.shelters.map((s) => s.id),
			excluded: a.excluded.map((e) => [e.id, e.reason, e.warning_id, e.warning_level, e.warning_hazard, e.reason_en]),
			notice: a.notice
		});
		const points = [HERE, { lat: north(4000), lon: HERE.lon }, { lat: north(9000), lon: HERE.lon }, { lat: HERE.lat, lon: HERE.lon + 0.05 }];
		let compared = 0;
		for (const p of points)
			for (const hazard of [null, 'flood', 'earthquake', 'landslide'] as const)
				for (const limit of [1, 3, 6]) {
					const server = await as(db, ANON_CLAIMS, (tx) => shelters.nearest(tx, { ...p, hazard, limit }));
					const mine = other({ ...p, hazard, limit });
					expect(key(mine), JSON.stringify({ p, hazard, limit })).toEqual(key(server));
					for (const [i, s] of mine.shelters.entries()) expect(Math.abs(s.distance_m - server.shelters[i]!.distance_m)).toBeLessThan(server.shelters[i]!.distance_m * 0.005 + 2);
					compared += server.excluded.length;
				}
		return compared;
	}

	it('the device leaves out what the database leaves out (one fixture, both rules)', async () => {
		const threads = await issueFixture();
		try {
			const snap = await as(db, ANON_CLAIMS, (tx) => shelters.snapshot(tx));
			expect(snap.warning_areas.map((a) => a.hazard).sort()).toEqual(['flood', 'landslide']);
			expect(snap.exclusion).toHaveLength(HAZARD_CODES.length);
			const compared = await expectSameAsDatabase((q) => nearestOnDevice(snap, q.lat, q.lon, q.hazard, q.limit));
			expect(compared).toBeGreaterThan(20); // the fixture does exclude, by area and by being full
		} finally {
			for (const t of threads) await cancel(t);
		}
	});

	it('the read model (what /api/shelters/nearest answers from) follows warnings by NOTIFY and answers as the database does', async () => {
		// The LISTEN connections this model opens, released before the database closes.
		const listening: Promise<() => Promise<void>>[] = [];
		const model = new ReadModel({ ...db, listen: (channel, onPayload) => (listening.push(db.listen(channel, onPayload)), listening.at(-1)!) }, 600_000);
		const areasInModel = async (n: number) => {
			for (let waited = 0; (await model.get()).shelters.warning_areas.length !== n; waited += 50) {
				if (waited > 10_000) throw new Error(`the model did not reach ${n} warning areas within 10 s`);
				await new Promise((r) => setTimeout(r, 50));
			}
		};
		try {
			await areasInModel(0);
			const threads = await issueFixture();
			try {
				// No refresh asked for: the warnings' NOTIFY brings them in.
				await areasInModel(2);
				const { shelters: snap } = await model.get();
				const compared = await expectSameAsDatabase((q) => shelters.nearestFromModel(snap, q));
				expect(compared).toBeGreaterThan(20);
				// The flood leaves the near shelters out for the model as for the database.
				expect(shelters.nearestFromModel(snap, { ...HERE, hazard: 'flood', limit: 3 }).notice).toBe('all_near_excluded');
			} finally {
				for (const t of threads) await cancel(t);
			}
			// Lifted: the near shelters are back, again without asking.
			await areasInModel(0);
			expect(shelters.nearestFromModel((await model.get()).shelters, { ...HERE, hazard: 'flood', limit: 3 }).shelters.map((s) => s.name_en)).toEqual(['school', 'hall', 'hill']);
		} finally {
			model.close();
			for (const stop of await Promise.all(listening)) await stop();
		}
	});
});
