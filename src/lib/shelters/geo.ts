/**
 * Shelter geometry shared by the server and the browser: the walking-time rule, the
 * district's bounds for input checks, distances for the offline ranking (nearest.ts) and the
 * hand-off links to Chinese map apps (which want GCJ-02 or BD-09, not WGS84).
 */
import gcoord from 'gcoord';

/**
 * Walking speed for the minutes shown: 4 km/h, a little under an adult's usual 5 km/h,
 * because evacuees include the old and children. Distances are straight lines, so the
 * minutes are a lower bound and the page says so.
 */
export const WALK_KMH = 4;
const WALK_METRES_PER_MINUTE = (WALK_KMH * 1000) / 60;

export function walkMinutes(distanceM: number): number {
	return Math.max(1, Math.ceil(distanceM / WALK_METRES_PER_MINUTE));
}

/**
 * Miyun's official extent (WGS84, supabase/reference/miyun-facts.json) widened by 0.15°
 * (~13–17 km): positions outside cannot be a resident of the district asking.
 */
export const DISTRICT_BOUNDS = { west: 116.65917 - 0.15, east: 117.50694 + 0.15, south: 40.21861 - 0.15, north: 40.79917 + 0.15 };

export function nearDistrict(lat: number, lon: number): boolean {
	const b = DISTRICT_BOUNDS;
	return lat >= b.south && lat <= b.north && lon >= b.west && lon <= b.east;
}

/** Great-circle distance in metres (mean Earth radius); within 0.5% of the spheroid here. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
	const rad = Math.PI / 180;
	const dLat = (lat2 - lat1) * rad;
	const dLon = (lon2 - lon1) * rad;
	const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
	return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export type NavigateLink = { app: 'amap' | 'baidu' | 'tencent'; href: string };

/** Links that open the phone's map app with walking directions to a WGS84 point. */
export function navigateLinks(lat: number, lon: number, name: string): NavigateLink[] {
	const [gLon, gLat] = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
	const [bLon, bLat] = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.BD09) as [number, number];
	const f = (n: number) => n.toFixed(6);
	const n = encodeURIComponent(name);
	return [
		{ app: 'amap', href: `https://uri.amap.com/navigation?to=${f(gLon)},${f(gLat)},${n}&mode=walk&coordinate=gaode&callnative=1` },
		{ app: 'baidu', href: `https://api.map.baidu.com/direction?destination=latlng:${f(bLat)},${f(bLon)}|name:${n}&mode=walking&coord_type=bd09ll&output=html&src=safe-miyun` },
		{ app: 'tencent', href: `https://apis.map.qq.com/uri/v1/routeplan?type=walk&to=${n}&tocoord=${f(gLat)},${f(gLon)}&referer=safe-miyun` }
	];
}

/** GCJ-02 (what Amap/Tencent show and many Chinese lists carry) to WGS84. */
export function gcj02ToWgs84(lat: number, lon: number): { lat: number; lon: number } {
	const [wLon, wLat] = gcoord.transform([lon, lat], gcoord.GCJ02, gcoord.WGS84) as [number, number];
	return { lat: wLat, lon: wLon };
}
