/**
 * What an earthquake early warning means at one place, computed the same way on the
 * server (who to push to), in the service worker and on the page (what to show): the
 * epicentral distance, the estimated intensity on China's scale (GB/T 17742-2020),
 * the seconds until the S-wave arrives, and whether the notice is loud or quiet.
 *
 * Intensity: the eastern-China relation of Wang Suyun, Yu Yanxiang, Gao Ajia and Shi
 * Zhenliang (2000), "Determination of ground-motion attenuation relations for
 * sub-regions of China", Earthquake Research in China (Zhongguo Dizhen) 16(2): 99-106 — the relation
 * used for the 2001 national seismic zoning map (GB 18306-2001), fitted to isoseismals of
 * eastern China, which includes North China and the Yanshan belt:
 *   long axis   I_a = 6.046 + 1.480 M − 2.081 ln(R + 25)   (σ 0.49)
 *   short axis  I_b = 2.617 + 1.435 M − 1.441 ln(R + 7)    (σ 0.56)
 * with M the surface-wave magnitude and R the epicentral distance in km. An EEW does
 * not know the fault's strike, so the place gets the mean of the two axes (the
 * "equivalent radius" reading). Limits (docs/decisions.md, 2026-12-04): fitted to
 * M ≥ ~4.5 and R up to a few hundred km; macroseismic, not instrumental; no site
 * amplification (valley sediments shake more than rock); ±1 degree is usual.
 *
 * Wave speeds: P 6.0 km/s, S 3.5 km/s — average upper-crust speeds for North China
 * (Vp/Vs ≈ 1.73); the travel time uses the hypocentral distance √(R² + h²).
 */

export const RELATION = 'Wang Suyun et al. 2000, eastern China (Earthquake Research in China 16(2))';
export const P_KM_S = 6.0;
export const S_KM_S = 3.5;
/** Places whose estimated intensity rounds below IV get a quiet notice (no sound, no full screen); at IV many people indoors feel it. */
export const LOUD_FROM = 4;
/** Below II (rounded) nobody feels it: the device shows nothing at all. */
export const FELT_FROM = 2;

const EARTH_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
	const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
	return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The estimated intensity (unrounded) at epicentral distance `r` km for magnitude `m`. */
export function intensityAt(m: number, r: number): number {
	const long = 6.046 + 1.48 * m - 2.081 * Math.log(r + 25);
	const short = 2.617 + 1.435 * m - 1.441 * Math.log(r + 7);
	return (long + short) / 2;
}

/** The degree on GB/T 17742 (I … XII) an estimate rounds to; 0: too weak to feel. */
export function degree(intensity: number): number {
	return Math.max(0, Math.min(12, Math.round(intensity)));
}

export function roman(degree: number): string {
	return ['0', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'][degree] ?? '0';
}

/** Loud (full-screen, sound) or quiet: the one rule the server's recipient choice and the devices follow. */
export function isLoud(degree: number): boolean {
	return degree >= LOUD_FROM;
}

/**
 * The epicentral distance (km) within which a quake of magnitude `m` is loud: the server
 * pushes to places inside it. Found by bisection on the same relation (it falls with R).
 */
export function loudRadiusKm(m: number): number {
	const edge = LOUD_FROM - 0.5;
	if (intensityAt(m, 0) < edge) return 0;
	let lo = 0;
	let hi = 2000;
	if (intensityAt(m, hi) >= edge) return hi;
	for (let i = 0; i < 50; i++) {
		const mid = (lo + hi) / 2;
		if (intensityAt(m, mid) >= edge) lo = mid;
		else hi = mid;
	}
	return lo;
}

/** Seconds after origin time when a wave at `speed` km/s reaches epicentral distance `r`. */
export function travelSeconds(r: number, depthKm: number, speed: number): number {
	return Math.hypot(r, depthKm) / speed;
}

export type Quake = { originMs: number; lat: number; lon: number; depthKm: number; magnitude: number };

export type AtPlace = {
	distanceKm: number;
	intensity: number;
	degree: number;
	loud: boolean;
	/** when the S-wave (the strong shaking) arrives here, epoch ms */
	sArrivalMs: number;
	/** seconds left before the S-wave at `now` (0 once it has arrived) */
	secondsLeft: number;
	/** the S-wave has passed this place already when the message is read */
	late: boolean;
};

export function atPlace(q: Quake, lat: number, lon: number, now: number): AtPlace {
	const r = distanceKm(q.lat, q.lon, lat, lon);
	const intensity = intensityAt(q.magnitude, r);
	const d = degree(intensity);
	const sArrivalMs = q.originMs + travelSeconds(r, q.depthKm, S_KM_S) * 1000;
	const left = (sArrivalMs - now) / 1000;
	return { distanceKm: r, intensity, degree: d, loud: isLoud(d), sArrivalMs, secondsLeft: Math.max(0, left), late: left <= 0 };
}

/** Of several places (saved places, the current position), the one that will shake hardest. */
export function worstPlace(q: Quake, places: { lat: number; lon: number }[], now: number): AtPlace | null {
	let worst: AtPlace | null = null;
	for (const p of places) {
		const here = atPlace(q, p.lat, p.lon, now);
		if (!worst || here.intensity > worst.intensity) worst = here;
	}
	return worst;
}
