/**
 * The subscribe page's state without a browser: the device's side (push, storage, the
 * API) is a stand-in that records what it was asked; the error mapping is the real one.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, problems, type Preferences } from './client';
import type { DeviceSubscription } from './device';
import { SubscriptionManager, beijingToday, type SubscriptionClient } from './manager.svelte';

function device(options: { push?: boolean; refuse?: ApiError } = {}) {
	const saved: DeviceSubscription[] = [];
	const asked: { step: string; prefs?: Preferences; phone?: string; code?: string }[] = [];
	const api: SubscriptionClient = {
		stored: () => [...saved],
		pushSupported: () => options.push ?? true,
		iosOutsideHomeScreen: () => false,
		problems,
		async subscribePush(prefs) {
			asked.push({ step: 'push', prefs });
			if (options.refuse) throw options.refuse;
			const sub: DeviceSubscription = { id: 'p1', secret: 's', channel: 'push', places: prefs.places };
			saved.push(sub);
			return sub;
		},
		async subscribeSms(phone, prefs) {
			asked.push({ step: 'sms', phone, prefs });
			if (options.refuse) throw options.refuse;
			return { id: 's1', secret: 's', channel: 'sms', places: prefs.places };
		},
		async confirmSms(sub, code) {
			asked.push({ step: 'confirm', code });
			saved.push(sub);
		}
	};
	return { api, asked, saved };
}

describe('the subscription manager', () => {
	it('starts from what the device holds and supports', () => {
		const { api } = device({ push: false });
		const m = new SubscriptionManager('en', api);
		expect(m.ready).toBe(false);
		m.start();
		expect({ ready: m.ready, canPush: m.canPush, mine: m.mine, lang: m.lang }).toEqual({ ready: true, canPush: false, mine: [], lang: 'en' });
	});

	it('sends the chosen preferences: every hazard unless some are picked, the end of the chosen Beijing day', async () => {
		const { api, asked } = device();
		const m = new SubscriptionManager('zh-CN', api);
		m.start();
		m.places = [{ village: '110118100201', label: 'home' }];
		m.hazards = ['flood'];
		m.until = '2026-08-01';
		await m.subscribeHere();
		expect(asked[0]!.prefs).toMatchObject({ hazards: [], until: '2026-08-01T15:59:59.999Z', lang: 'zh-CN', minLevel: 'blue', exercises: false });
		m.allHazards = false;
		await m.subscribeHere();
		expect(asked[1]!.prefs!.hazards).toEqual(['flood']);
		expect(m.success).toEqual({ kind: 'push' });
		expect(m.mine).toHaveLength(2);
		expect(m.busy).toBe(false);
	});

	it('sends a code, then confirms it; only six digits can be confirmed', async () => {
		const { api, asked } = device();
		const m = new SubscriptionManager('zh-CN', api);
		expect(m.canSendCode).toBe(false);
		m.start();
		m.phone = '13800000001';
		expect(m.canSendCode).toBe(true);
		await m.sendCode();
		expect(m.pendingSms?.id).toBe('s1');
		m.code = '12345';
		expect(m.canConfirm).toBe(false);
		m.code = '123456';
		expect(m.canConfirm).toBe(true);
		await m.confirmCode();
		expect(asked.map((a) => a.step)).toEqual(['sms', 'confirm']);
		expect(m.success).toEqual({ kind: 'sms', phone: '13800000001' });
		expect(m.pendingSms).toBeNull();
		expect(m.mine.map((s) => s.id)).toEqual(['s1']);
	});

	it('says the real wait of a limited code request beside the SMS button', async () => {
		const { api } = device({ refuse: new ApiError(429, 'too many', {}, 3199) });
		const m = new SubscriptionManager('zh-CN', api);
		m.start();
		m.phone = '13800000003';
		await m.sendCode();
		expect(m.smsErrors).toEqual([{ key: 'err_rate_wait', values: { minutes: '54' } }]);
		expect(m.errors).toEqual([]);
	});

	it('turns a refusal into messages naming the field, and clears an earlier success', async () => {
		const { api } = device({ refuse: new ApiError(400, 'some fields are missing or wrong', { phone: 'this number already has a subscription' }) });
		const m = new SubscriptionManager('en', api);
		m.start();
		m.success = { kind: 'push' };
		m.phone = '13800000002';
		await m.sendCode();
		// A code's refusal is said beside the SMS button, not in the box at the top.
		expect(m.smsErrors.map((e) => e.key)).toEqual(['err_phone_taken']);
		expect(m.errors).toEqual([]);
		expect(m.success).toBeNull();
		expect(m.pendingSms).toBeNull();
		expect(m.busy).toBe(false);
	});

	it('takes Beijing’s calendar day as the earliest end', () => {
		// 17:00 UTC is already the next day in Beijing
		expect(beijingToday(Date.parse('2026-07-31T17:00:00Z'))).toBe('2026-08-01');
		expect(beijingToday(Date.parse('2026-07-31T15:00:00Z'))).toBe('2026-07-31');
	});
});
