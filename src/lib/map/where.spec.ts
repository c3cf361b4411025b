import { describe, expect, it } from 'vitest';
import type { PinPlaces } from './types';
import { placeOf } from './where';

const square = (lon: number, lat: number, h: number) =>
	JSON.stringify({ type: 'Polygon', coordinates: [[[lon - h, lat - h], [lon + h, lat - h], [lon + h, lat + h], [lon - h, lat + h], [lon - h, lat - h]]] });
const places: PinPlaces = {
	outline: null,
	towns: [
		{ code: '110118101', name_zh: '甲', name_en: 'A', area: square(116.86, 40.46, 0.05), approximate: false, lat: null, lon: null },
		{ code: '110118106', name_zh: '乙', name_en: 'B', area: square(116.96, 40.46, 0.05), approximate: true, lat: null, lon: null }
	],
	villages: [
		{ code: '110118101001', town_code: '110118101', lat: 40.46, lon: 116.86 },
		{ code: '110118106001', town_code: '110118106', lat: 40.46, lon: 116.915 }
	]
};

describe('placeOf', () => {
	it('names the township containing a tap and its nearest village', () => {
		expect(placeOf(places, 40.461, 116.861)).toEqual({ town: '110118101', village: '110118101001' });
	});
	it('never names a village of a neighbouring township, however close', () => {
		expect(placeOf(places, 40.46, 116.905)).toEqual({ town: '110118101', village: null });
	});
	it('names no village beyond the radius, and no township outside every area', () => {
		expect(placeOf(places, 40.49, 116.83)).toEqual({ town: '110118101', village: null });
		expect(placeOf(places, 41.5, 118)).toEqual({ town: null, village: null });
	});
});
