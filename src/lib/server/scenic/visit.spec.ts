/**
 * A visit subscription (issue 19, item 1) on a real database: a scenic area as a place is
 * stored as its point and its township, a warning anywhere in the township reaches it, a
 * visit must end within 14 days, and the retention job deletes it once the date has passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { createSubscription, parseSubscription, SubscriptionError, type SubscriptionInput } from '../messaging/subscriptions';
import { parseAllowlist } from '../messaging/allowlist';
import { prunePersonalData } from '../retention';
import { setServices } from '../runtime';
import type { Services } from '../services';
import { actions } from '../../../routes/scenic/[id]/+page.server';
import { beijingToday } from '../../subscriptions/manager.svelte';
import { beijingDayAfter } from '../../subscriptions/visit.svelte';

const GUBEIKOU = '110118111';
const DAY = 86_400_000;

describe.each(backends())('visit subscriptions on $name', (backend) => {
	let db: Database;
	let n = 0;
	beforeAll(async () => {
		db = await backend.open();
	}, 60_000);
	afterAll(async () => db?.close());

	const visit = (until: Date | null, scenic = 'simatai'): SubscriptionInput => ({
		channel: 'sms',
		push: null,
		phone: `139${String(10_000_000 + ++n).slice(-8)}`,
		places: [{ scenic, label: null }],
		lang: 'en',
		hazards: [],
		minLevel: 'blue',
		exercises: false,
		until
	});
	const refusal = async (input: SubscriptionInput) => {
		try {
			await as(db, ANON_CLAIMS, (tx) => createSubscription(tx, input));
			return null;
		} catch (error) {
			if (error instanceof SubscriptionError) return `${error.field}: ${error.message}`;
			throw error;
		}
	};

	it('the API takes {"scenic": <id>} as a place and refuses a malformed id', () => {
		const allow = parseAllowlist('');
		expect(parseSubscription({ phone: '13900000000', places: [{ scenic: 'simatai' }], until: new Date(Date.now() + DAY).toISOString() }, allow)).toHaveProperty('input');
		expect(parseSubscription({ phone: '13900000000', places: [{ scenic: 'DROP TABLE' }] }, allow)).toEqual({ errors: { 'places[0].scenic': 'must be a scenic area id' } });
	});

	it('stores the scenic area as its point and its township', async () => {
		const made = await as(db, ANON_CLAIMS, (tx) => createSubscription(tx, visit(new Date(Date.now() + DAY))));
		const places = await asService(db, (tx) =>
			tx.query<{ town_code: string | null; point: boolean; scenic_id: string; label: string }>(
				'select town_code, geom is not null as point, scenic_id, label from public.subscription_places where subscription_id = $1 order by id',
				[made.id]
			)
		);
		expect(places).toEqual([
			{ town_code: null, point: true, scenic_id: 'simatai', label: '司马台长城' },
			{ town_code: GUBEIKOU, point: false, scenic_id: 'simatai', label: '司马台长城' }
		]);
	});

	it('refuses a visit without an end, one longer than 14 days, and an unknown scenic area', async () => {
		expect(await refusal(visit(null))).toBe('until: a visit needs an end date');
		expect(await refusal(visit(new Date(Date.now() + 16 * DAY)))).toBe('until: a visit ends at most 14 days after today');
		expect(await refusal(visit(new Date(Date.now() + 13 * DAY)))).toBeNull();
		expect(await refusal(visit(new Date(Date.now() + DAY), 'no-such-place'))).toBe('places: no scenic area no-such-place');
	});

	it('a warning anywhere in the township reaches a confirmed visit, one elsewhere does not', async () => {
		const made = await as(db, ANON_CLAIMS, (tx) => createSubscription(tx, visit(new Date(Date.now() + 2 * DAY), 'gubei-water-town')));
		await asService(db, (tx) => tx.query('update public.subscriptions set confirmed = true where id = $1', [made.id]));
		// the township without 3 km around the scenic areas' points: only the township place can match
		const [far] = await asService(db, (tx) =>
			tx.query<{ inside: string; elsewhere: string }>(
				`select extensions.st_asgeojson(extensions.st_difference(ta.area,
				          extensions.st_buffer(s.location::extensions.geography, 3000)::extensions.geometry)) as inside,
				        (select extensions.st_asgeojson(o.area) from public.town_areas o where o.code = '110118101') as elsewhere
				   from public.town_areas ta, public.scenic_areas s where ta.code = $1 and s.id = 'gubei-water-town'`,
				[GUBEIKOU]
			)
		);
		const reach = (area: string) =>
			asService(db, (tx) => tx.query<{ channel: string; subscriptions: number }>(`select channel, subscriptions::int from app.delivery_reach($1, 'rainstorm', 'blue', 'Actual')`, [area]));
		const sms = async (area: string) => (await reach(area)).find((r) => r.channel === 'sms')!.subscriptions;
		const before = await sms(far!.inside);
		expect(before).toBeGreaterThanOrEqual(1);
		await asService(db, (tx) => tx.query('delete from public.subscriptions where id = $1', [made.id]));
		expect(await sms(far!.inside)).toBe(before - 1);
		expect(await sms(far!.elsewhere)).toBe(0);
	});

	it('an impossible end date is a 400 naming the field, from the API parser and the plain form, never rolled over to March', async () => {
		const allow = parseAllowlist('');
		const now = new Date('2027-02-20T04:00:00Z');
		expect(parseSubscription({ phone: '13900000000', places: [{ scenic: 'simatai' }], until: '2027-02-30' }, allow, now)).toEqual({
			errors: { until: expect.stringMatching(/real date/) }
		});
		expect(parseSubscription({ phone: '13900000000', places: [{ scenic: 'simatai' }], until: '2027-02-28T25:00:00Z' }, allow, now)).toHaveProperty('errors.until');
		setServices({ config: { delivery: { pushAllowlist: allow } } } as unknown as Services);
		try {
			const form = new FormData();
			form.set('phone', '13900000000');
			form.set('until', '2027-02-30');
			const event = {
				locals: { lang: 'en', db: <T>(work: Parameters<typeof as<T>>[2]) => as(db, ANON_CLAIMS, work) },
				params: { id: 'simatai' },
				request: new Request('http://localhost/scenic/simatai?/visit_sms', { method: 'POST', body: form }),
				cookies: { set: () => {}, get: () => undefined, delete: () => {} },
				getClientAddress: () => '10.1.2.3'
			};
			const answer = (await (actions.visit_sms as (e: unknown) => Promise<unknown>)(event)) as { status: number; data: { errors: { values: { field: string } }[] } };
			expect(answer.status).toBe(400);
			expect(answer.data.errors.map((e) => e.values.field)).toEqual(['until']);
		} finally {
			setServices(null);
		}
	});

	it('a date-only end is the end of that day in Beijing, and SQL still holds the 14 days', async () => {
		const allow = parseAllowlist('');
		const parse = (until: string) => parseSubscription({ phone: '13900000000', places: [{ scenic: 'simatai' }], until }, allow, new Date('2027-02-20T04:00:00Z'));
		expect(parse('2027-02-28')).toMatchObject({ input: { until: new Date('2027-02-28T23:59:59.999+08:00') } });
		const dayOnly = (day: string) => {
			const parsed = parseSubscription({ phone: '13900000000', places: [{ scenic: 'simatai' }], until: day }, allow);
			if (!('input' in parsed)) throw new Error(JSON.stringify(parsed.errors));
			return { ...visit(null), until: parsed.input.until };
		};
		expect(beijingDayAfter(0)).toBe(beijingToday());
		expect(await refusal(dayOnly(beijingDayAfter(14)))).toBeNull();
		expect(await refusal(dayOnly(beijingDayAfter(15)))).toBe('until: a visit ends at most 14 days after today');
	});

	it('the retention job deletes a subscription once its date has passed, with its places', async () => {
		const made = await as(db, ANON_CLAIMS, (tx) => createSubscription(tx, visit(new Date(Date.now() + DAY))));
		const kept = await as(db, ANON_CLAIMS, (tx) => createSubscription(tx, visit(new Date(Date.now() + DAY))));
		await asService(db, (tx) => tx.query(`update public.subscriptions set until = now() - interval '1 minute' where id = $1`, [made.id]));
		// only the retention job (service role) prunes
		const admin = await staffClaims(db, `admin-visit-${n}@test.cn`, 'admin');
		for (const who of [ANON_CLAIMS, admin]) {
			expect(await sqlState(as(db, who, (tx) => tx.query('select * from app.prune_ended_subscriptions()')))).toBe('42501');
		}
		const pruned = await prunePersonalData(db);
		expect(pruned.ended_subscriptions).toBeGreaterThanOrEqual(1);
		const left = await asService(db, (tx) =>
			tx.query<{ id: string }>('select subscription_id as id from public.subscription_places where subscription_id = any($1::uuid[])', [[made.id, kept.id]])
		);
		expect(new Set(left.map((r) => r.id))).toEqual(new Set([kept.id]));
	});
});
