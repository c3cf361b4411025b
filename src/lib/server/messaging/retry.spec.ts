import { describe, expect, it } from 'vitest';
import { urgencyOf } from '../../subscriptions/urgency';
import { pushOutcome, topicOf } from './push';
import { retryAt, type Recipient } from './queue';
import { parseRetryAfter } from './transport';

const now = Date.parse('2026-07-30T12:00:00Z');
const recipient = (attempts: number, deadlineInSeconds: number): Recipient => ({
	id: '1', warningId: 'w', kind: 'subscription', recipientId: 's', attempts, lang: 'zh-CN', endpoint: 'https://fcm.googleapis.com/x', p256dh: 'k', auth: 'a', phone: null, openid: null,
	template: null, params: null, stale: false,
	deadline: new Date(Date.now() + deadlineInSeconds * 1000)
});

describe('retries', () => {
	it('backs off exponentially and honours Retry-After', () => {
		const deadline = new Date(now + 3600_000);
		expect(retryAt(1, null, deadline, now)!.getTime() - now).toBe(2000);
		expect(retryAt(3, null, deadline, now)!.getTime() - now).toBe(8000);
		expect(retryAt(12, null, deadline, now)!.getTime() - now).toBe(256_000);
		expect(retryAt(1, 90, deadline, now)!.getTime() - now).toBe(90_000);
	});

	it('never schedules a retry at or after the deadline (the TTL)', () => {
		expect(retryAt(1, 120, new Date(now + 120_000), now)).toBeNull();
		expect(retryAt(8, null, new Date(now + 100_000), now)).toBeNull();
		expect(pushOutcome(recipient(1, 60), 503, 300).state).toBe('expired');
		expect(pushOutcome(recipient(1, 3600), 503, 300)).toMatchObject({ state: 'queued' });
		expect(pushOutcome(recipient(8, 3600), 500, null).state).toBe('failed');
	});

	it('reads what each push service answer means', () => {
		expect(pushOutcome(recipient(1, 60), 201, null).state).toBe('sent');
		expect(pushOutcome(recipient(1, 60), 410, null).state).toBe('gone');
		expect(pushOutcome(recipient(1, 60), 404, null).state).toBe('gone');
		expect(pushOutcome(recipient(1, 60), 413, null).state).toBe('failed');
		expect(pushOutcome(recipient(1, 3600), 0, null, 'connect: refused')).toMatchObject({ state: 'queued', error: 'connect: refused' });
	});

	it('parses Retry-After as seconds or an HTTP date', () => {
		expect(parseRetryAfter('120', now)).toBe(120);
		expect(parseRetryAfter('Thu, 30 Jul 2026 12:01:00 GMT', now)).toBe(60);
		expect(parseRetryAfter('soon', now)).toBeNull();
		expect(parseRetryAfter(undefined, now)).toBeNull();
	});

	it('marks orange, red and earthquake warnings urgent and gives a valid Topic', () => {
		expect(urgencyOf({ level: 'red', hazard: 'rainstorm', msgType: 'Alert' })).toBe('high');
		expect(urgencyOf({ level: 'blue', hazard: 'earthquake', msgType: 'Alert' })).toBe('high');
		expect(urgencyOf({ level: 'yellow', hazard: 'heat', msgType: 'Alert' })).toBe('normal');
		// RFC 8030 §5.4: at most 32 characters of the URL-safe base64 alphabet
		expect(topicOf('0b6f3a52-5a4c-4d9e-9f3e-2f1c7d2b9a11')).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
	});
});
