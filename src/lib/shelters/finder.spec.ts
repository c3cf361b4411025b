/**
 * The /shelters page's state without a browser: the device's side (position, the
 * server's answers) is a stand-in that records what it was asked; the nearest-shelter
 * rule on the device is the real one.
 */
import { describe, expect, it } from 'vitest';
import type { Located } from '$lib/geolocate';
import { ShelterFinder, type FinderDevice, type FinderSource } from './finder.svelte';
import type { ExclusionRule, NearestAnswer, ShelterSnapshot, WarningArea } from './types';

const shelter = (id: string, lat: number, hazards: string[], town_code = 'seat') =>
	({ id, name_zh: `${id}所`, name_en: id, lat, lon: 116.9, status: 'open', capacity: 100, occupancy: 0, hazards, demo: false, town_code }) as unknown as ShelterSnapshot['shelters'][number];
const rule = { hazard: 'flood', excludes: true, reason_zh: '洪水区', reason_en: 'in a flood area' } as ExclusionRule;
const flooded: WarningArea = { warning_id: 'w1', hazard: 'flood', level: 'orange', area: [[[[116.89, 40.405], [116.91, 40.405], [116.91, 40.415], [116.89, 40.415], [116.89, 40.405]]]] };

function snapshot(as_of = '2026-12-03T10:00:00Z'): ShelterSnapshot {
	return {
		version: 'v',
		as_of,
		walk_kmh: 4,
		shelters: [shelter('near', 40.401, ['flood']), shelter('wet', 40.41, ['flood', 'earthquake']), shelter('quake', 40.43, ['earthquake'])],
		routes: [],
		outline: [],
		towns: [
			{ code: 'seat', name_zh: '镇', name_en: 'Seat Town', lat: 40.4, lon: 116.9 },
			{ code: 'lost', name_zh: '乡', name_en: 'Lost Township', lat: null, lon: null }
		],
		exclusion: [rule],
		warning_areas: [flooded]
	};
}

const serverAnswer = { as_of: 'server', shelters: [], excluded: [], notice: null, walk_kmh: 4 } as unknown as NearestAnswer;

function device(options: { at?: Located; server?: 'down'; fresher?: ShelterSnapshot } = {}) {
	const asked: string[] = [];
	const api: FinderDevice = {
		locate: async () => options.at ?? { problem: 'denied' },
		hasGeolocation: () => true,
		async nearest(query) {
			asked.push(String(query));
			if (options.server === 'down') throw new TypeError('Failed to fetch');
			return serverAnswer;
		},
		snapshot: async () => options.fresher ?? null
	};
	return { api, asked };
}

const page = (more: Partial<FinderSource> = {}): FinderSource => ({ snapshot: snapshot(), hazard: null, place: null, answer: null, unlocated: null, lang: 'en', asked: null, ...more });

describe('the shelter finder', () => {
	it('shows the server’s answer to the form until something is chosen here', () => {
		const { api } = device();
		const f = new ShelterFinder(() => page({ hazard: 'flood', place: { lat: 40.4, lon: 116.9, town: 'seat' }, answer: serverAnswer }), api);
		expect({ hazard: f.hazard, place: f.place, answer: f.answer, town: f.town }).toEqual({ hazard: 'flood', place: { lat: 40.4, lon: 116.9, town: 'seat' }, answer: serverAnswer, town: 'seat' });
		// the address's ?hazard= wins over the data the page was kept with; a wrong one does not
		expect(new ShelterFinder(() => page({ hazard: 'flood', asked: 'earthquake' }), api).hazard).toBe('earthquake');
		expect(new ShelterFinder(() => page({ hazard: 'flood', asked: 'tsunami-ish' }), api).hazard).toBe('flood');
	});

	it('asks the server for a chosen township’s seat and hazard', async () => {
		const { api, asked } = device();
		const f = new ShelterFinder(() => page(), api);
		await f.choose('flood', 'seat');
		expect(asked).toEqual(['lat=40.4&lon=116.9&limit=5&hazard=flood']);
		expect(f.live).toEqual({ answer: serverAnswer, offline: false });
		await f.chooseHazard('');
		expect(asked[1]).toBe('lat=40.4&lon=116.9&limit=5');
	});

	it('answers on the device when the server cannot, leaving out a shelter in a warning’s area', async () => {
		const { api } = device({ server: 'down' });
		const f = new ShelterFinder(() => page(), api);
		await f.choose('flood', 'seat');
		expect(f.live?.offline).toBe(true);
		expect(f.answer!.shelters.map((s) => s.id)).toEqual(['near']);
		expect(f.answer!.excluded.map((s) => [s.id, s.reason])).toEqual([['wet', 'in_warning_area']]);
	});

	it('lists every shelter for the hazard with its township and warning area when no place is known', () => {
		const { api } = device();
		let lang = 'en';
		const f = new ShelterFinder(() => page({ lang }), api);
		expect(f.place).toBeNull();
		expect(f.listed.map((s) => s.id)).toEqual(['near', 'wet', 'quake']);
		f.chosenHazard = 'earthquake';
		expect(f.listed.map((s) => s.id)).toEqual(['wet', 'quake']);
		expect(f.listed.map((s) => f.inArea(s))).toEqual(['in a flood area', null]);
		expect(f.townName('seat')).toBe('Seat Town');
		lang = 'zh-CN';
		expect(f.inArea(f.listed[0]!)).toBe(rule.reason_zh);
		expect(f.townName('seat')).toBe('镇');
	});

	it('has no place for a township without a location on file, and says which', async () => {
		const { api, asked } = device();
		const f = new ShelterFinder(() => page({ place: { lat: 40.4, lon: 116.9, town: 'seat' } }), api);
		await f.choose('', 'lost');
		expect(f.unlocated?.code).toBe('lost');
		expect(f.place).toBeNull();
		expect(asked).toEqual([]);
	});

	it('uses the device’s position in place of a township, and names why it has none', async () => {
		const { api, asked } = device({ at: { lat: 40.42, lon: 116.9 } });
		const f = new ShelterFinder(() => page({ unlocated: 'lost' }), api);
		expect(f.place).toBeNull();
		await f.choose('', 'seat');
		await f.locate();
		expect({ gps: f.gps, town: f.chosenTown, place: f.place, locating: f.locating, problem: f.problem }).toEqual({
			gps: { lat: 40.42, lon: 116.9 },
			town: null,
			place: { lat: 40.42, lon: 116.9 },
			locating: false,
			problem: null
		});
		expect(asked.at(-1)).toBe('lat=40.42&lon=116.9&limit=5');
		const refused = new ShelterFinder(() => page(), device().api);
		await refused.locate();
		expect(refused.problem).toBe('shelters.location_denied');
		expect(refused.gps).toBeNull();
	});

	it('says a device position far from Miyun is outside the district, and keeps the whole list', async () => {
		// central Shanghai: no "nearest shelter" 1,000 km away
		const { api, asked } = device({ at: { lat: 31.23, lon: 121.47 } });
		const f = new ShelterFinder(() => page(), api);
		await f.locate();
		expect({ gps: f.gps, place: f.place, problem: f.problem }).toEqual({ gps: null, place: null, problem: 'shelters.place_outside' });
		expect(asked).toEqual([]);
	});

	it('takes a fresher snapshot, never an older one', async () => {
		const newer = snapshot('2026-12-03T11:00:00Z');
		const f = new ShelterFinder(() => page(), device({ fresher: newer }).api);
		await f.start();
		expect(f.snap).toBe(newer);
		const g = new ShelterFinder(() => page(), device({ fresher: snapshot('2026-12-03T09:00:00Z') }).api);
		await g.start();
		expect(g.snap.as_of).toBe('2026-12-03T10:00:00Z');
	});

	it('keeps a hazard and a township chosen before hydration; the township waits for “Find”', async () => {
		const { api, asked } = device();
		const f = new ShelterFinder(() => page({ hazard: 'flood' }), api);
		f.keepBefore('flood', '');
		expect({ hazard: f.chosenHazard, town: f.pendingTown }).toEqual({ hazard: null, town: null });
		f.keepBefore('earthquake', 'seat');
		expect({ hazard: f.hazard, town: f.town, place: f.place }).toEqual({ hazard: 'earthquake', town: 'seat', place: null });
		expect(asked).toEqual([]);
		await f.choose('earthquake', 'seat');
		expect(f.pendingTown).toBeNull();
		expect(f.place).toEqual({ lat: 40.4, lon: 116.9 });
	});
});
