import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, haversineM, navigateLinks, nearDistrict, walkMinutes } from './geo';

describe('shelter geometry', () => {
	it('walks at 4 km/h, rounding up, at least a minute', () => {
		expect(walkMinutes(0)).toBe(1);
		expect(walkMinutes(667)).toBe(11);
		expect(walkMinutes(4000)).toBe(60);
	});

	it('measures great-circle distances', () => {
		expect(haversineM(40.4, 116.9, 40.4 + 1 / 60, 116.9)).toBeCloseTo(1853, -1); // one arc-minute of latitude
	});

	it('accepts positions in or near the district only', () => {
		expect(nearDistrict(40.4646, 116.8633)).toBe(true);
		expect(nearDistrict(39.9042, 116.4074)).toBe(false); // Tiananmen
		expect(nearDistrict(40.5, 118)).toBe(false);
	});

	it('hands off to Amap and Tencent in GCJ-02 and to Baidu in BD-09', () => {
		const [lat, lon] = [40.4646, 116.8633];
		const links = Object.fromEntries(navigateLinks(lat, lon, 'A & B').map((l) => [l.app, new URL(l.href)]));
		const [gLon, gLat] = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
		// GCJ-02 is offset from WGS84 by a few hundred metres here; the link must carry the offset point.
		expect(haversineM(lat, lon, gLat, gLon)).toBeGreaterThan(100);
		const [toLon, toLat] = links.amap!.searchParams.get('to')!.split(',').map(Number);
		expect(toLon).toBeCloseTo(gLon, 5);
		expect(toLat).toBeCloseTo(gLat, 5);
		expect(links.amap!.searchParams.get('to')).toMatch(/,A & B$/);
		const [tLat, tLon] = links.tencent!.searchParams.get('tocoord')!.split(',').map(Number);
		expect([tLat, tLon]).toEqual([Number(gLat.toFixed(6)), Number(gLon.toFixed(6))]);
		const [bLat, bLon] = links.baidu!.searchParams.get('destination')!.match(/latlng:([\d.]+),([\d.]+)/)!.slice(1).map(Number);
		const back = gcoord.transform([bLon!, bLat!], gcoord.BD09, gcoord.WGS84) as [number, number];
		expect(haversineM(lat, lon, back[1], back[0])).toBeLessThan(2);
	});

	it('converts GCJ-02 back to WGS84 within a couple of metres', () => {
		const [gLon, gLat] = gcoord.transform([116.8633, 40.4646], gcoord.WGS84, gcoord.GCJ02) as [number, number];
		const w = gcj02ToWgs84(gLat, gLon);
		expect(haversineM(40.4646, 116.8633, w.lat, w.lon)).toBeLessThan(2);
	});
});
