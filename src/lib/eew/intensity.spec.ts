/**
 * The relation against cases worked by hand from the published coefficients
 * (Wang Suyun et al. 2000, eastern China), and the countdown from the documented
 * wave speeds.
 */
import { describe, expect, it } from 'vitest';
import { atPlace, degree, distanceKm, intensityAt, isLoud, loudRadiusKm, travelSeconds, worstPlace } from './intensity';

describe('estimated intensity (GB/T 17742) from the eastern-China relation', () => {
	it('M6.0 at 20 km: I_a = 6.046 + 8.880 − 2.081·ln 45 = 7.004, I_b = 2.617 + 8.610 − 1.441·ln 27 = 6.478, mean 6.74 → VII', () => {
		expect(intensityAt(6, 20)).toBeCloseTo(6.741, 2);
		expect(degree(intensityAt(6, 20))).toBe(7);
	});
	it('M5.0 at 50 km: I_a = 13.446 − 2.081·ln 75 = 4.461, I_b = 9.792 − 1.441·ln 57 = 3.966, mean 4.21 → IV (loud)', () => {
		expect(intensityAt(5, 50)).toBeCloseTo(4.214, 2);
		expect(isLoud(degree(intensityAt(5, 50)))).toBe(true);
	});
	it('M4.0 at 60 km: I_a = 11.966 − 2.081·ln 85 = 2.721, I_b = 8.357 − 1.441·ln 67 = 2.298, mean 2.51 → III (quiet)', () => {
		expect(intensityAt(4, 60)).toBeCloseTo(2.509, 2);
		expect(degree(intensityAt(4, 60))).toBe(3);
		expect(isLoud(3)).toBe(false);
	});
	it('the loud radius is where the same relation falls to 3.5 (rounds to IV)', () => {
		const r = loudRadiusKm(5);
		expect(intensityAt(5, r)).toBeCloseTo(3.5, 3);
		expect(r).toBeGreaterThan(50);
		expect(r).toBeLessThan(200);
		// too small to be loud anywhere
		expect(loudRadiusKm(2)).toBe(0);
		// larger quakes reach farther
		expect(loudRadiusKm(6)).toBeGreaterThan(r);
	});
});

describe('distance and S-wave countdown (P 6.0 km/s, S 3.5 km/s)', () => {
	it('one degree of latitude is 111.2 km', () => {
		expect(distanceKm(40, 117, 41, 117)).toBeCloseTo(111.19, 1);
	});
	it('R = 40 km, depth 10 km: S after √1700 / 3.5 = 11.78 s, P after 6.87 s', () => {
		expect(travelSeconds(40, 10, 3.5)).toBeCloseTo(11.78, 2);
		expect(travelSeconds(40, 10, 6.0)).toBeCloseTo(6.87, 2);
	});
	it('counts down from the origin time; after the S-wave has passed it is late', () => {
		// epicentre 0.36° of latitude south: 40.03 km
		const quake = { originMs: 1_000_000, lat: 40.0, lon: 117.0, depthKm: 10, magnitude: 6 };
		const here = atPlace(quake, 40.36, 117.0, 1_000_000 + 5_000);
		expect(here.distanceKm).toBeCloseTo(40.03, 1);
		expect(here.secondsLeft).toBeCloseTo(11.79 - 5, 1);
		expect(here.late).toBe(false);
		const later = atPlace(quake, 40.36, 117.0, 1_000_000 + 12_000);
		expect(later.late).toBe(true);
		expect(later.secondsLeft).toBe(0);
	});
	it('of several places, the one that shakes hardest counts', () => {
		const quake = { originMs: 0, lat: 40.0, lon: 117.0, depthKm: 10, magnitude: 5 };
		const worst = worstPlace(quake, [{ lat: 41, lon: 117 }, { lat: 40.1, lon: 117 }], 0);
		expect(worst!.distanceKm).toBeCloseTo(11.12, 1);
	});
});
