/**
 * The /report page's offline queue without a browser: the device's side (IndexedDB,
 * localStorage, the network) is a stand-in that keeps forms in memory and answers each
 * send as told; the timers are vitest's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sent, Waiting } from './offline-store';
import { OfflineQueue, type QueueDevice } from './offline-queue.svelte';

type Answer = { sent: number; refused: number; retryAfter?: number; limited?: boolean } | 'offline';

/** A device whose sends get `answers` in turn (then: everything sent). */
function device(answers: Answer[] = []) {
	const kept: Waiting[] = [];
	const sent: Sent[] = [];
	const state = { online: true, flushes: 0 };
	const api: QueueDevice = {
		online: () => state.online,
		sent: () => [...sent],
		refused: () => [],
		forgetRefused: () => undefined,
		waiting: async () => [...kept],
		async keep(form) {
			kept.push({ key: String(form.get('key')), fields: [...form].map(([n, v]) => [n, String(v)]), photos: [], savedAt: 0 });
		},
		async flush() {
			state.flushes++;
			const answer = answers.shift();
			if (answer === 'offline') throw new TypeError('Failed to fetch');
			if (answer?.retryAfter) return answer;
			const count = kept.length;
			for (const k of kept.splice(0)) sent.push({ ticket: `T-${k.key}`, url: `/report/T-${k.key}`, sentAt: 0 });
			return answer ?? { sent: count, refused: 0 };
		}
	};
	return { api, kept, state };
}

const form = (key: string) => {
	const f = new FormData();
	f.set('key', key);
	f.set('description', 'water over the road');
	return f;
};

describe('the offline report queue', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.stubGlobal('window', new EventTarget());
	});
	afterEach(() => {
		vi.useRealTimers();
		vi.unstubAllGlobals();
	});

	it('keeps a form made offline, lists it, and sends it when the device is back online', async () => {
		const { api, state } = device();
		state.online = false;
		const q = new OfflineQueue(api);
		const stop = q.start();
		await vi.runAllTimersAsync();
		expect(state.flushes).toBe(0);
		await q.hold(form('k1'));
		expect(q.waiting.map((w) => w.key)).toEqual(['k1']);
		state.online = true;
		window.dispatchEvent(new Event('online'));
		await vi.runAllTimersAsync();
		expect(q.waiting).toEqual([]);
		expect(q.sent.map((s) => s.ticket)).toEqual(['T-k1']);
		stop();
		// after the page is gone, coming online sends nothing
		window.dispatchEvent(new Event('online'));
		await vi.runAllTimersAsync();
		expect(state.flushes).toBe(1);
	});

	it('sends what waited from an earlier visit as the page starts', async () => {
		const { api, kept } = device();
		kept.push({ key: 'old', fields: [['key', 'old']], photos: [], savedAt: 0 });
		const q = new OfflineQueue(api);
		q.start();
		await vi.runAllTimersAsync();
		expect(q.sent.map((s) => s.ticket)).toEqual(['T-old']);
		expect(q.waiting).toEqual([]);
	});

	it('after busy answers waits as the server asked, twice as long each time up to five minutes', async () => {
		const busy = { sent: 0, refused: 0, retryAfter: 10 };
		const { api, state } = device([busy, busy, busy, busy, busy, busy, busy]);
		// no jitter: the waits are exact
		const q = new OfflineQueue(api, () => 0);
		await q.hold(form('k1'));
		await q.send();
		const waits: number[] = [];
		for (let i = 0; i < 7; i++) {
			const before = Date.now();
			const flushes = state.flushes;
			while (state.flushes === flushes) await vi.advanceTimersByTimeAsync(1000);
			waits.push((Date.now() - before) / 1000);
		}
		expect(waits).toEqual([10, 20, 40, 80, 160, 300, 300]);
		// the eighth send went through: nothing waits, no try is planned
		expect(q.waiting).toEqual([]);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('says why a report waits: offline, the server busy, or the sending limit, with the minutes to the next try', async () => {
		const { api, state } = device(['offline', { sent: 0, refused: 0, retryAfter: 3600, limited: true }, { sent: 0, refused: 0, retryAfter: 30 }]);
		const q = new OfflineQueue(api, () => 0);
		await q.hold(form('k0'), true);
		expect(q.held).toEqual({ why: 'busy', minutes: 1 });
		await q.hold(form('k1'));
		expect(q.held).toEqual({ why: 'offline', minutes: 0 });
		await q.send();
		expect(q.held).toEqual({ why: 'offline', minutes: 0 });
		await q.send();
		// a limit of an hour: the wait is capped at five minutes, and the page says so, not "offline"
		expect(q.held).toEqual({ why: 'limited', minutes: 5 });
		await q.send();
		expect(q.held.why).toBe('busy');
		state.online = false;
		await q.send();
		expect(q.held).toEqual({ why: 'offline', minutes: 0 });
	});

	it('spreads the retries of many phones by up to half the wait', async () => {
		const { api, state } = device([{ sent: 0, refused: 0, retryAfter: 10 }]);
		const q = new OfflineQueue(api, () => 0.999);
		await q.hold(form('k1'));
		await q.send();
		await vi.advanceTimersByTimeAsync(14_000);
		expect(state.flushes).toBe(1);
		await vi.advanceTimersByTimeAsync(1_000);
		expect(state.flushes).toBe(2);
	});

	it('after a 503 to the form itself keeps it and tries five seconds later; a network failure leaves it waiting', async () => {
		const { api, state } = device(['offline']);
		const q = new OfflineQueue(api);
		await q.hold(form('k1'), true);
		await vi.advanceTimersByTimeAsync(4_999);
		expect(state.flushes).toBe(0);
		await vi.advanceTimersByTimeAsync(1);
		expect(state.flushes).toBe(1);
		// the send failed on the network: still waiting, no timer (the online event sends it)
		expect(q.waiting.map((w) => w.key)).toEqual(['k1']);
		expect(vi.getTimerCount()).toBe(0);
		await q.send();
		expect(q.waiting).toEqual([]);
	});
});
