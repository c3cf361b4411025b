/**
 * Small geometry for the browser: drawing GeoJSON (Polygon/MultiPolygon, [lon, lat]) as
 * SVG over the district outline, and "am I in it?" — a point-in-polygon test that runs
 * on the device, so a visitor's position never leaves it.
 */
export type Ring = [number, number][];
export type Polys = Ring[][]; // polygons → rings → [lon, lat]

export function polygonsOf(geojson: string | null | undefined): Polys {
	if (!geojson) return [];
	const g = JSON.parse(geojson) as { type: string; coordinates: unknown };
	if (g.type === 'Polygon') return [g.coordinates as Ring[]];
	if (g.type === 'MultiPolygon') return g.coordinates as Ring[][];
	return [];
}

/** Lines of a GeoJSON LineString/MultiLineString (rivers), as [lon, lat] rings. */
export function linesOf(geojson: string | null | undefined): Ring[] {
	if (!geojson) return [];
	const g = JSON.parse(geojson) as { type: string; coordinates: unknown };
	if (g.type === 'LineString') return [g.coordinates as Ring];
	if (g.type === 'MultiLineString') return g.coordinates as Ring[];
	return [];
}

export function svgLines(lines: Ring[], point: (p: [number, number]) => [number, number]): string {
	return lines.map((line) => 'M' + line.map((p) => point(p).map((n) => n.toFixed(1)).join(',')).join('L')).join('');
}

export type Box = { minLon: number; minLat: number; maxLon: number; maxLat: number };

export function boxOf(...shapes: Polys[]): Box {
	const box = { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity };
	for (const polys of shapes)
		for (const poly of polys)
			for (const ring of poly)
				for (const [lon, lat] of ring) {
					box.minLon = Math.min(box.minLon, lon);
					box.maxLon = Math.max(box.maxLon, lon);
					box.minLat = Math.min(box.minLat, lat);
					box.maxLat = Math.max(box.maxLat, lat);
				}
	return box;
}

/** An equirectangular projection scaled for the box's latitude, into a 1000-wide viewBox. */
export function projector(box: Box) {
	const k = Math.cos((((box.minLat + box.maxLat) / 2) * Math.PI) / 180);
	const scale = 1000 / Math.max((box.maxLon - box.minLon) * k, 1e-9);
	return {
		width: 1000,
		height: Math.max((box.maxLat - box.minLat) * scale, 1),
		point: ([lon, lat]: [number, number]): [number, number] => [(lon - box.minLon) * k * scale, (box.maxLat - lat) * scale],
		/** The inverse: a map point back to [lon, lat] (a tap on the map). */
		lonLat: ([x, y]: [number, number]): [number, number] => [box.minLon + x / (k * scale), box.maxLat - y / scale]
	};
}

export function svgPath(polys: Polys, point: (p: [number, number]) => [number, number]): string {
	return polys
		.flatMap((poly) => poly.map((ring) => 'M' + ring.map((p) => point(p).map((n) => n.toFixed(1)).join(',')).join('L') + 'Z'))
		.join('');
}

function inRing(lon: number, lat: number, ring: Ring): boolean {
	let inside = false;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		const [xi, yi] = ring[i]!;
		const [xj, yj] = ring[j]!;
		if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}

/** Whether [lon, lat] lies inside the polygons (holes respected). */
export function contains(polys: Polys, lon: number, lat: number): boolean {
	return polys.some(([outer, ...holes]) => !!outer && inRing(lon, lat, outer) && !holes.some((h) => inRing(lon, lat, h)));
}
