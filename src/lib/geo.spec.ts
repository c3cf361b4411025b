import { describe, expect, it } from 'vitest';
import { boxOf, contains, linesOf, polygonsOf, projector, svgLines, svgPath } from './geo';

const square = JSON.stringify({ type: 'Polygon', coordinates: [[[116, 40], [117, 40], [117, 41], [116, 41], [116, 40]], [[116.4, 40.4], [116.6, 40.4], [116.6, 40.6], [116.4, 40.6], [116.4, 40.4]]] });

describe('geo', () => {
	it('tells inside from outside, holes included', () => {
		const polys = polygonsOf(square);
		expect(contains(polys, 116.2, 40.2)).toBe(true);
		expect(contains(polys, 116.5, 40.5)).toBe(false);
		expect(contains(polys, 118, 40.5)).toBe(false);
	});

	it('projects north up into a 1000-wide view', () => {
		const polys = polygonsOf(square);
		const p = projector(boxOf(polys));
		expect(p.width).toBe(1000);
		expect(p.point([116, 41])).toEqual([0, 0]);
		expect(p.point([117, 40])[1]).toBeCloseTo(p.height);
		expect(svgPath(polys, p.point)).toMatch(/^M0\.0,[\d.]+L/);
	});

	it('maps a tap back to the point it was drawn from', () => {
		const p = projector(boxOf(polygonsOf(square)));
		const [lon, lat] = p.lonLat(p.point([116.37, 40.81]));
		expect(lon).toBeCloseTo(116.37, 9);
		expect(lat).toBeCloseTo(40.81, 9);
	});

	it('draws rivers as open lines', () => {
		const river = JSON.stringify({ type: 'MultiLineString', coordinates: [[[116, 40], [116.5, 40.5]]] });
		const p = projector(boxOf(polygonsOf(square)));
		expect(svgLines(linesOf(river), p.point)).toMatch(/^M0\.0,[\d.]+L500\.0,[\d.]+$/);
		expect(linesOf(square)).toEqual([]);
	});
});
