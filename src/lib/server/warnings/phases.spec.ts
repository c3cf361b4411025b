/**
 * One behaviour for a warning whose `effective` lies ahead, and for one that has ended
 * (docs/decisions.md, "Effective time"): it is current from issue — listed, delivered,
 * in the Atom feed — and says when it takes effect; a lifted one says so, with when.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends } from '../testing/db';
import { phaseOf } from '../../warnings';
import { atomFeed } from './feed';
import * as warnings from './store';
import { rainstorm } from './testing/fixtures';
import type { WarningInput } from './model';

describe.each(backends())('warning phases on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	const issue = (input: WarningInput) =>
		asService(db, async (tx) => {
			const saved = await warnings.saveDraft(tx, input);
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			const done = await warnings.submit(tx, saved.id);
			if (!done.ok) throw new Error(done.message);
			if (done.state === 'pending') await tx.query(`update public.warnings set state = 'issued' where id = $1`, [saved.id]);
			const [row] = await tx.query<{ thread_id: string }>('select thread_id from public.warnings where id = $1', [saved.id]);
			return { id: saved.id, thread: row!.thread_id };
		});

	it('a warning taking effect in 3 hours is current: listed, delivered at issue, in the feed, "coming into force"', async () => {
		const effective = new Date(Date.now() + 3 * 3600_000);
		const { id, thread } = await issue(rainstorm({ effective, expires: new Date(Date.now() + 9 * 3600_000) }));
		const active = await as(db, ANON_CLAIMS, (tx) => warnings.active(tx));
		const listed = active.find((w) => w.id === id);
		expect(listed?.inForce).toBe(true);
		const shown = await as(db, ANON_CLAIMS, (tx) => warnings.current(tx, thread));
		expect(phaseOf(shown!, new Date())).toEqual({ kind: 'upcoming', from: effective });
		// delivered at issue: its fan-out exists now
		const fanout = await asService(db, (tx) => tx.query('select 1 from public.deliveries where warning_id = $1', [id]));
		expect(fanout).toHaveLength(1);
		const feed = atomFeed(active, 'https://safe.example.cn');
		expect(feed).toContain(`/warnings/${thread}`);
		expect(feed).toMatch(/<summary>生效时间 \d{4}-\d\d-\d\d \d\d:\d\d（即将生效） · /);
	});

	it('a cancelled warning is lifted, with when; an expired one too', async () => {
		const { thread } = await issue(rainstorm());
		expect((await asService(db, (tx) => warnings.cancel(tx, thread))).ok).toBe(true);
		const shown = await as(db, ANON_CLAIMS, (tx) => warnings.current(tx, thread));
		const phase = phaseOf(shown!, new Date());
		expect(phase).toMatchObject({ kind: 'lifted', how: 'cancelled' });
		expect(phase.kind === 'lifted' && phase.at!.getTime()).toBeGreaterThan(Date.now() - 60_000);
		expect(phaseOf({ ...shown!, msgType: 'Alert', state: 'issued' }, new Date(shown!.expires.getTime() + 1))).toMatchObject({ kind: 'lifted', how: 'expired' });
	});

	it('marks an Exercise in the Atom feed title, as everywhere else', async () => {
		await issue(rainstorm({ status: 'Exercise', level: 'blue' }));
		const feed = atomFeed(await as(db, ANON_CLAIMS, (tx) => warnings.active(tx)), 'https://safe.example.cn');
		expect(feed).toContain('<title>【演习】 暴雨红色预警</title>');
	});
});
