import { describe, expect, it } from 'vitest';
import { nearestOnDevice } from './nearest';
import type { ExclusionRule, ShelterSnapshot, WarningArea } from './types';

const shelter = (id: string, lat: number, hazards: string[], more: { status?: string; capacity?: number; occupancy?: number } = {}) =>
	({ id, name_zh: id, name_en: id, lat, lon: 116.9, status: 'open', capacity: 100, occupancy: 0, hazards, demo: false, ...more }) as unknown as ShelterSnapshot['shelters'][number];
const square = (lat: number, d = 0.002): WarningArea['area'] => [[[[116.9 - d, lat - d], [116.9 + d, lat - d], [116.9 + d, lat + d], [116.9 - d, lat + d], [116.9 - d, lat - d]]]];
const rule = (hazard: string, excludes: boolean) => ({ hazard, excludes, reason_zh: `${hazard}区`, reason_en: `in ${hazard} area` }) as ExclusionRule;

function snap(shelters: ShelterSnapshot['shelters'], warning_areas: WarningArea[] = []): ShelterSnapshot {
	return { version: 'v', as_of: '2026-12-03T10:00:00Z', walk_kmh: 4, shelters, routes: [], outline: [], towns: [], exclusion: [rule('flood', true), rule('earthquake', false)], warning_areas };
}

describe('the nearest shelter on the device', () => {
	const list = [
		shelter('far', 40.43, ['flood']),
		shelter('near', 40.401, ['flood']),
		shelter('closed', 40.4005, ['flood'], { status: 'closed' }),
		shelter('packed', 40.4008, ['flood'], { occupancy: 100 }),
		shelter('quake', 40.4002, ['earthquake'])
	];

	it('ranks open shelters with free places for the hazard, nearest first, and says why others are left out', () => {
		const answer = nearestOnDevice(snap(list), 40.4, 116.9, 'flood', 5);
		expect(answer.shelters.map((x) => x.id)).toEqual(['near', 'far']);
		expect(answer.excluded.map((x) => [x.id, x.reason])).toEqual([['closed', 'closed'], ['packed', 'full']]);
		expect(nearestOnDevice(snap(list), 40.4, 116.9, null, 1).shelters.map((x) => x.id)).toEqual(['quake']);
	});

	it('leaves out shelters inside an area whose hazard excludes, for any hazard asked, with the reason', () => {
		const flood: WarningArea = { warning_id: 'w1', hazard: 'flood', level: 'orange', area: square(40.401) };
		const answer = nearestOnDevice(snap(list, [flood]), 40.4, 116.9, 'flood', 5);
		expect(answer.shelters.map((x) => x.id)).toEqual(['far']);
		expect(answer.excluded.find((x) => x.id === 'near')).toMatchObject({ reason: 'in_warning_area', warning_id: 'w1', warning_hazard: 'flood', reason_en: 'in flood area' });
		expect(answer.notice).toBeNull(); // 'far' is 3.3 km away
		// An earthquake warning's area never excludes.
		const quake: WarningArea = { warning_id: 'w2', hazard: 'earthquake', level: 'red', area: square(40.4, 0.5) };
		expect(nearestOnDevice(snap(list, [quake]), 40.4, 116.9, null, 2).shelters.map((x) => x.id)).toEqual(['quake', 'near']);
	});

	it('says so when every near shelter is excluded, and when nothing is suitable', () => {
		const flood: WarningArea = { warning_id: 'w1', hazard: 'flood', level: 'red', area: square(40.41, 0.04) };
		const answer = nearestOnDevice(snap(list, [flood]), 40.4, 116.9, 'flood', 3);
		expect(answer).toMatchObject({ shelters: [], notice: 'all_near_excluded' });
		expect(nearestOnDevice(snap(list), 40.4, 116.9, 'hazmat', 3)).toMatchObject({ shelters: [], excluded: [], notice: 'none_suitable' });
	});

	it('reads a snapshot kept before warning areas were carried', () => {
		const old = { ...snap(list), exclusion: undefined, warning_areas: undefined } as unknown as ShelterSnapshot;
		expect(nearestOnDevice(old, 40.4, 116.9, 'flood', 1).shelters.map((x) => x.id)).toEqual(['near']);
	});
});
