/**
 * The tourist's one step without a browser: the date (tomorrow by default, at most 14
 * days, Beijing's calendar), what is sent, and what the page shows afterwards.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, problems, type Preferences } from './client';
import type { DeviceSubscription } from './device';
import { VisitSubscription, visitOf, type VisitClient } from './visit.svelte';

// 2026-12-04 23:30 in Beijing: 15:30 UTC. Tomorrow in Beijing is the 5th.
const NOW = Date.parse('2026-12-04T15:30:00Z');

function device(saved: DeviceSubscription[] = [], refuse?: ApiError) {
	const asked: { step: string; prefs?: Preferences; phone?: string }[] = [];
	const api: VisitClient = {
		stored: () => [...saved],
		pushSupported: () => true,
		iosOutsideHomeScreen: () => false,
		problems,
		async subscribePush(prefs) {
			asked.push({ step: 'push', prefs });
			if (refuse) throw refuse;
			const sub: DeviceSubscription = { id: 'p1', secret: 's', channel: 'push', places: prefs.places, until: prefs.until };
			saved.push(sub);
			return sub;
		},
		async subscribeSms(phone, prefs) {
			asked.push({ step: 'sms', phone, prefs });
			return { id: 's1', secret: 's', channel: 'sms', places: prefs.places, until: prefs.until };
		},
		async confirmSms(sub) {
			asked.push({ step: 'confirm' });
			saved.push(sub);
		},
		async deleteEverything(sub) {
			asked.push({ step: 'delete' });
			saved.splice(saved.indexOf(sub), 1);
		}
	};
	return { api, asked, saved };
}

describe('a visit subscription', () => {
	it('defaults to tomorrow (Beijing) and allows up to 14 days', () => {
		const v = new VisitSubscription('simatai', 'Simatai Great Wall', 'en', device().api, NOW);
		expect({ today: v.today, until: v.until, latest: v.latest }).toEqual({ today: '2026-12-04', until: '2026-12-05', latest: '2026-12-18' });
	});

	it('subscribes this phone for the scenic area until the end of the chosen day', async () => {
		const { api, asked } = device();
		const v = new VisitSubscription('simatai', 'Simatai Great Wall', 'en', api, NOW);
		v.start();
		expect(v.visit).toBeNull();
		await v.subscribeHere();
		expect(asked[0]!.prefs).toEqual({
			places: [{ scenic: 'simatai', label: 'Simatai Great Wall' }],
			lang: 'en',
			hazards: [],
			minLevel: 'blue',
			until: '2026-12-05T15:59:59.999Z',
			exercises: false
		});
		expect(v.visit?.id).toBe('p1');
	});

	it('refuses a date beyond 14 days before asking anything', async () => {
		const { api, asked } = device();
		const v = new VisitSubscription('simatai', 'Simatai', 'zh-CN', api, NOW);
		v.start();
		v.until = '2026-12-19';
		await v.subscribeHere();
		expect(asked).toEqual([]);
		expect(v.errors).toEqual([{ key: 'visit_err_until', values: { days: '14' } }]);
	});

	it('by text message: code, then confirmed; stop deletes it', async () => {
		const { api, asked } = device();
		const v = new VisitSubscription('simatai', 'Simatai', 'zh-CN', api, NOW);
		v.start();
		v.phone = '13800138000';
		await v.sendCode();
		expect(v.visit).toBeNull();
		v.code = '123456';
		await v.confirmCode();
		expect(v.visit?.channel).toBe('sms');
		await v.stop();
		expect(v.visit).toBeNull();
		expect(asked.map((a) => a.step)).toEqual(['sms', 'confirm', 'delete']);
	});

	it('finds the device’s visit of this area only while it lasts, and notices another push subscription', () => {
		const visit: DeviceSubscription = { id: 'a', secret: 's', channel: 'push', places: [{ scenic: 'simatai', label: null }], until: '2026-12-05T15:59:59Z' };
		expect(visitOf([visit], 'simatai', NOW)).toBe(visit);
		expect(visitOf([visit], 'gubei-water-town', NOW)).toBeNull();
		expect(visitOf([visit], 'simatai', Date.parse('2026-12-06T00:00:00Z'))).toBeNull();
		const home: DeviceSubscription = { id: 'h', secret: 's', channel: 'push', places: [{ village: '110118101201', label: null }] };
		const v = new VisitSubscription('simatai', 'Simatai', 'zh-CN', device([home]).api, NOW);
		v.start();
		expect(v.other).toBe(home);
	});
});
