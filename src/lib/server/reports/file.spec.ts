/**
 * fileReport on a real database: every channel runs the same steps, and only the
 * channel's data decides what differs — the form stops once for the emergency numbers
 * and for nearby reports, the other channels file and hand the numbers back; a limited
 * caller files nothing anywhere; a channel takes only as many photos as it carries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { as, backends } from '../testing/db';
import { CHANNELS, draftFields, fileReport, type Caller, type ReportChannel } from './file';
import { preparePhotos, type Draft } from './submit';
import { draft, fileOf, jpegWithGps } from './testing';

const ALL = Object.keys(CHANNELS) as ReportChannel[];

describe.each(backends())('fileReport on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	const caller = (limit: Date | null = null): Caller => ({ db: <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work), limit: () => limit });
	const fields = (over: Partial<Draft> = {}) => draftFields(draft(over));
	const reports = async () => Number((await asService(db, (tx) => tx.query<{ n: string }>('select count(*) as n from public.reports')))[0]!.n);
	const photosOf = async (ticket: string) =>
		Number(
			(await asService(db, (tx) => tx.query<{ n: string }>('select count(*) as n from public.report_photos p join public.reports r on r.id = p.report_id where r.ticket = $1', [ticket])))[0]!.n
		);

	it('refuses the same wrong draft with the same errors on every channel', async () => {
		for (const channel of ALL) {
			const outcome = await fileReport(caller(), { fields: fields({ description: 'abc', town: '', lat: null, lon: null }) }, channel);
			expect(outcome.kind, channel).toBe('invalid');
			expect(outcome.kind === 'invalid' && outcome.errors, channel).toEqual({ description: 'reports.errors.description_short', town: 'reports.errors.town' });
		}
	});

	it('takes the township from a located point when none was chosen; a chosen one stays; far away is refused', async () => {
		// Where an outside tester pressed "use my position": the page said 穆家峪镇, the form refused.
		const located = { town: '', village: '', address: '', lat: 40.4135, lon: 116.9325 };
		for (const channel of ALL) {
			const outcome = await fileReport(caller(), { fields: fields(located), emergencySeen: true, newAnyway: true }, channel);
			expect(outcome.kind, channel).toBe('filed');
			expect(outcome.draft.town, channel).toBe('110118106');
		}
		const chosen = await fileReport(caller(), { fields: fields({ ...located, town: '110118101' }), emergencySeen: true, newAnyway: true }, 'api');
		expect(chosen.kind === 'filed' && chosen.draft.town).toBe('110118101');
		const town = await asService(db, (tx) => tx.query<{ town_code: string }>('select town_code from public.reports where ticket = $1', [chosen.kind === 'filed' ? chosen.filed.ticket : '']));
		expect(town[0]?.town_code).toBe('110118101');
		// Tianjin is not Miyun: no township is made up.
		const far = await fileReport(caller(), { fields: fields({ ...located, lat: 39.1, lon: 117.2 }) }, 'api');
		expect(far.kind === 'invalid' && far.errors.town).toBe('reports.errors.town');
	});

	it('stops the form once for the emergency numbers; the other channels file and give them back', async () => {
		const gas = { category: 'gas' as const, description: 'Smell of gas by the school gate', lat: 40.31, lon: 116.95 };
		const stopped = await fileReport(caller(), { fields: fields(gas) }, 'form');
		expect(stopped).toMatchObject({ kind: 'emergency', numbers: ['119'] });
		const seen = await fileReport(caller(), { fields: fields(gas), emergencySeen: true }, 'form');
		expect(seen).toMatchObject({ kind: 'filed', numbers: ['119'] });
		for (const channel of ['api', 'open311', 'assistant'] as const) {
			expect(await fileReport(caller(), { fields: fields({ ...gas, lat: 40.31 + ALL.indexOf(channel) / 10 }) }, channel), channel).toMatchObject({
				kind: 'filed',
				numbers: ['119']
			});
		}
	});

	it('offers the form nearby reports first; "new anyway" and the other channels file', async () => {
		const here = { category: 'road_bridge' as const, description: 'Pothole on the bridge deck', lat: 40.52, lon: 116.71 };
		expect((await fileReport(caller(), { fields: fields(here) }, 'api')).kind).toBe('filed');
		const offered = await fileReport(caller(), { fields: fields(here) }, 'form');
		expect(offered.kind).toBe('nearby');
		expect(offered.kind === 'nearby' && offered.nearby.length).toBeGreaterThan(0);
		expect((await fileReport(caller(), { fields: fields(here), newAnyway: true }, 'form')).kind).toBe('filed');
		expect((await fileReport(caller(), { fields: fields(here) }, 'assistant')).kind).toBe('filed');
	});

	it('files nothing for a limited caller, on any channel', async () => {
		const before = await reports();
		const at = new Date(Date.now() + 60_000);
		for (const channel of ALL) {
			expect(await fileReport(caller(at), { fields: fields(), emergencySeen: true, newAnyway: true }, channel), channel).toMatchObject({ kind: 'limited', retryAt: at });
		}
		expect(await reports()).toBe(before);
	});

	it('keeps as many photos as the channel carries', async () => {
		const jpeg = fileOf(await jpegWithGps(), 'a.jpg', 'image/jpeg');
		const kept: Record<string, number> = {};
		for (const channel of ['api', 'open311'] as const) {
			const form = fields({ lat: 40.2 + (channel === 'api' ? 0.05 : 0.1), lon: 116.9 });
			form.append('photos', jpeg);
			form.append('photos', jpeg);
			const outcome = await fileReport(caller(), { fields: form }, channel);
			kept[channel] = outcome.kind === 'filed' ? await photosOf(outcome.filed.ticket) : -1;
		}
		const prepared = await preparePhotos([jpeg, jpeg]);
		const talked = await fileReport(caller(), { fields: fields({ lat: 40.25, lon: 116.8 }), prepared }, 'assistant');
		kept.assistant = talked.kind === 'filed' ? await photosOf(talked.filed.ticket) : -1;
		expect(kept).toEqual({ api: 2, open311: 0, assistant: 1 });
	});
});
