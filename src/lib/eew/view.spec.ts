/** The phases a device shows, including the late-arrival message and the drill mark. */
import { describe, expect, it } from 'vitest';
import type { EewWire } from './message';
import { notificationText, rankHere, viewOf } from './view';
import zh from '../i18n/locales/zh-CN/eew.json';
import en from '../i18n/locales/en/eew.json';

const T0 = 1_800_000_000_000;
// M6.0 under a point 0.36° south of the place: R = 40.03 km, depth 10 km → S after 11.79 s, intensity 6.0 (VI)
const wire = (over: Partial<EewWire> = {}): EewWire => ({ v: 1, type: 'eew', e: 'ev', q: 1, x: 'Alert', st: 'Actual', t: T0, la: 40.0, lo: 117.0, d: 10, m: 6, ...over });
const here = { here: { lat: 40.36, lon: 117.0 }, places: [] };
const words = (dict: { eew: Record<string, string> }) => (key: string, vars: Record<string, unknown> = {}) =>
	dict.eew[key.replace('eew.', '')]!.replace(/\{\{(\w+)\}\}/g, (_, k) => String(vars[k]));

describe('what the device shows', () => {
	it('counts down to the S-wave, then shaking, then the after-shaking advice', () => {
		const v = viewOf(wire(), here, T0 + 4000, T0 + 5000);
		expect(v.phase).toBe('countdown');
		expect(v.secondsLeft).toBeCloseTo(6.79, 1);
		expect(v.roman).toBe('VI');
		expect(viewOf(wire(), here, T0 + 4000, T0 + 13_000).phase).toBe('shaking');
		expect(viewOf(wire(), here, T0 + 4000, T0 + 45_000).phase).toBe('after');
	});
	it('a message that arrives after the S-wave says so instead of counting down', () => {
		const v = viewOf(wire(), here, T0 + 12_500, T0 + 12_600);
		expect(v.phase).toBe('late');
		expect(notificationText(v, wire(), words(en)).body).toBe('Shaking has arrived (estimated intensity VI). Check for injuries.');
		expect(notificationText(v, wire(), words(zh)).body).toContain(zh.eew.notification_late.slice(0, 6));
	});
	it('below IV the notice is quiet, by the same rule as the server', () => {
		const far = viewOf(wire({ m: 4 }), here, T0 + 1000, T0 + 1000);
		expect(far.phase).toBe('quiet');
		expect(far.loud).toBe(false);
	});
	it('a withdrawn event says so', () => {
		expect(viewOf(wire({ x: 'Cancel', q: 2 }), here, T0, T0 + 1000).phase).toBe('cancelled');
	});
	it('a drill is marked in both languages', () => {
		const v = viewOf(wire({ st: 'Exercise' }), here, T0 + 1000, T0 + 1000);
		expect(v.drill).toBe(true);
		expect(notificationText(v, wire({ st: 'Exercise' }), words(zh)).title.startsWith(`[${zh.eew.drill_mark}]`)).toBe(true);
		expect(notificationText(v, wire({ st: 'Exercise' }), words(en)).title.startsWith('[DRILL]')).toBe(true);
	});
	it('with no position, the saved places decide; with neither, central Miyun', () => {
		const places = { here: null, places: [{ lat: 41.0, lon: 117.0 }, { lat: 40.1, lon: 117.0 }] };
		const v = viewOf(wire(), places, T0, T0);
		expect(v.basis).toBe('place');
		expect(v.lat).toBe(40.1);
		expect(viewOf(wire(), { here: null, places: [] }, T0, T0).basis).toBe('centre');
	});
});

describe('two quakes at once', () => {
	const held = (w: EewWire, receivedAt = w.t + 1000) => ({ wire: w, receivedAt });
	// the stronger here: M6.0 40 km away (VI); issued first
	const near = wire({ e: 'near', t: T0 });
	// issued 3 s later, weaker here: M5.0 under a point ~78 km away (IV)
	const far = wire({ e: 'far', t: T0 + 3000, la: 39.66, lo: 117.0, m: 5 });

	it('shows the one strongest here, not the latest issued', () => {
		const ranked = rankHere([held(near), held(far)], here, T0 + 5000);
		expect(ranked.map((r) => r.wire.e)).toEqual(['near', 'far']);
		expect(ranked[0]!.view.degree).toBeGreaterThan(ranked[1]!.view.degree);
		// the order the messages came in does not matter
		expect(rankHere([held(far), held(near)], here, T0 + 5000).map((r) => r.wire.e)).toEqual(['near', 'far']);
	});

	it('at the same degree, the one whose S-wave arrives first', () => {
		// the same quake 2 s later and slightly weaker, so its degree is the same and its S-wave later
		const twin = wire({ e: 'twin', t: T0 - 2000, m: 5.9 });
		const ranked = rankHere([held(near), held(twin)], here, T0 + 1000);
		expect(ranked[0]!.view.degree).toBe(ranked[1]!.view.degree);
		expect(ranked.map((r) => r.wire.e)).toEqual(['twin', 'near']);
		expect(ranked[0]!.view.sArrivalMs).toBeLessThan(ranked[1]!.view.sArrivalMs);
	});

	it('a withdrawn quake ranks after a standing one, however strong it was', () => {
		const ranked = rankHere([held(wire({ e: 'near', x: 'Cancel', q: 2 })), held(far)], here, T0 + 5000);
		expect(ranked.map((r) => [r.wire.e, r.view.phase])).toEqual([
			['far', 'countdown'],
			['near', 'cancelled']
		]);
	});

	it('a quake whose shaking is over never hides another one’s countdown, however strong it was', () => {
		// 'near' struck 40 s ago (after-shaking advice); 'far' is on its way
		const later = wire({ e: 'far', t: T0 + 40_000, la: 39.66, lo: 117.0, m: 5 });
		const ranked = rankHere([held(near), held(later)], here, T0 + 42_000);
		expect(ranked.map((r) => [r.wire.e, r.view.phase])).toEqual([
			['far', 'countdown'],
			['near', 'after']
		]);
	});

	it('judges by the device’s own place: elsewhere the other quake is the stronger', () => {
		const south = { here: { lat: 39.7, lon: 117.0 }, places: [] };
		expect(rankHere([held(near), held(far)], south, T0 + 5000).map((r) => r.wire.e)).toEqual(['far', 'near']);
	});
});
