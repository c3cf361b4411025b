import { describe, expect, it } from 'vitest';
import { OLD_STORAGE_KEY, STORAGE_KEY, placeCheck, round3, storedJson, type DevicePlace } from './device';

// [lon, lat] rings, as in the push payload's MultiPolygon coordinates
const square = [[[116.8, 40.36], [116.9, 40.36], [116.9, 40.42], [116.8, 40.42], [116.8, 40.36]]];
const holed = [[[116.0, 40.0], [117.0, 40.0], [117.0, 41.0], [116.0, 41.0], [116.0, 40.0]], [[116.4, 40.4], [116.6, 40.4], [116.6, 40.6], [116.4, 40.6], [116.4, 40.4]]];
const far = [[[117.0, 40.5], [117.05, 40.5], [117.05, 40.55], [117.0, 40.55], [117.0, 40.5]]];
const point = (lat: number, lon: number): DevicePlace => ({ lat, lon, label: null });

describe('placeCheck', () => {
	it('shows a warning when one of the points is inside any polygon', () => {
		expect(placeCheck([square], [point(40.39, 116.85)])).toBe('show');
		expect(placeCheck([far, square], [point(40.6, 116.7), point(40.39, 116.85)])).toBe('show');
	});

	it('skips it when every point is outside, holes included', () => {
		expect(placeCheck([square, far], [point(40.6, 116.7)])).toBe('skip');
		expect(placeCheck([holed], [point(40.5, 116.5)])).toBe('skip');
		expect(placeCheck([holed], [point(40.2, 116.2)])).toBe('show');
	});

	it('shows it whenever the device cannot tell: no area, no places, a village', () => {
		expect(placeCheck(null, [point(40.6, 116.7)])).toBe('show');
		expect(placeCheck([], [point(40.6, 116.7)])).toBe('show');
		expect(placeCheck([square], null)).toBe('show');
		expect(placeCheck([square], [])).toBe('show');
		expect(placeCheck([square], [point(40.6, 116.7), { village: '110118101201', label: null }])).toBe('show');
	});

	it('rounds to about 100 m like the server', () => {
		expect(round3(40.376349)).toBe(40.376);
		expect(round3(116.8435)).toBe(116.844);
	});
});

describe('storedJson', () => {
	const memory = (entries: Record<string, string>) => {
		const map = new Map(Object.entries(entries));
		return {
			map,
			getItem: (k: string) => map.get(k) ?? null,
			setItem: (k: string, v: string) => void map.set(k, v),
			removeItem: (k: string) => void map.delete(k)
		};
	};

	it('moves a list kept under the old key, once, and keeps it', () => {
		const storage = memory({ [OLD_STORAGE_KEY]: '[{"id":"a"}]' });
		expect(storedJson(storage)).toBe('[{"id":"a"}]');
		expect([...storage.map.keys()]).toEqual([STORAGE_KEY]);
		expect(storedJson(storage)).toBe('[{"id":"a"}]');
	});

	it('never lets the old key overwrite a list kept under the new one', () => {
		const storage = memory({ [OLD_STORAGE_KEY]: '[]', [STORAGE_KEY]: '[{"id":"b"}]' });
		expect(storedJson(storage)).toBe('[{"id":"b"}]');
		expect(storage.map.has(OLD_STORAGE_KEY)).toBe(false);
	});

	it('is null on a phone that never subscribed', () => {
		expect(storedJson(memory({}))).toBeNull();
	});
});
