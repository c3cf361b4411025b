/** The public read model: refreshed by NOTIFY, public by construction, kept when the database is gone. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { issueOver } from '../messaging/testing/fanout-fixture';
import * as scenic from '../scenic';
import { backends } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import { warningEvents } from './events';
import { ReadModel, threadNamed, type Ahead, type Change } from './read-model';

const AREA: [number, number, number, number] = [40.3, 116.75, 40.45, 116.95];

/** Resolves with the next change the model reports (or fails after a while). */
function nextChange(model: ReadModel): Promise<Change> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no change within 10 s')), 10_000);
		const stop = model.onChange((change) => {
			clearTimeout(timer);
			stop();
			resolve(change);
		});
	});
}

describe.each(backends())('public read model on $name', (backend) => {
	let db: Database;
	let model: ReadModel;
	// The LISTEN connections opened here, released before the database closes (the
	// process-wide hub keeps its LISTEN for the process's life).
	const listening: Promise<() => Promise<void>>[] = [];
	beforeAll(async () => {
		const opened = await backend.open();
		db = { ...opened, listen: (channel, onPayload) => (listening.push(opened.listen(channel, onPayload)), listening.at(-1)!) };
		model = new ReadModel(db, 60_000);
	});
	afterAll(async () => {
		model?.close();
		for (const stop of await Promise.all(listening)) await stop();
		await db?.close();
	});

	it('reads what everyone may see: no warning yet, scenic areas, the shelter snapshot', async () => {
		const data = await model.get();
		expect(data.warnings).toEqual([]);
		expect(data.scenic.length).toBeGreaterThan(5);
		expect(data.shelters.towns.length).toBeGreaterThan(10);
		expect(data.stale).toBe(false);
	});

	it('a warning issued is in the model at once (NOTIFY), with its area, and the event carries it', async () => {
		const before = (await model.get()).version;
		const changed = nextChange(model);
		const thread = await issueOver(db, AREA);
		const change = await changed;
		expect(change.next.version).not.toBe(before);
		expect(change.next.warnings.map((w) => w.threadId)).toEqual([thread]);
		expect(change.next.areas.get(change.next.warnings[0]!.id)).toMatch(/Polygon/);
		const [zh] = warningEvents(change, 'zh-CN');
		const [en] = warningEvents(change, 'en');
		expect(zh).toMatchObject({ thread, version: change.next.version, warning: { threadId: thread, level: 'red', info: { lang: 'zh-CN' } } });
		expect(en?.warning?.info.headline).toBe('Red rainstorm warning');
		expect(en?.warning?.geojson).toMatch(/Polygon/);
	});

	it('a draft changes nothing public: no refresh is reported', async () => {
		const version = (await model.get()).version;
		await asService(db, (tx) => warnings.saveDraft(tx, rainstorm({ level: 'blue' })));
		expect((await model.refresh()).version).toBe(version);
	});

	it('a warning cancelled leaves the model; the event says the thread has no warning in force', async () => {
		const thread = (await model.get()).warnings[0]!.threadId;
		const changed = nextChange(model);
		await asService(db, (tx) => warnings.cancel(tx, thread));
		const change = await changed;
		expect(change.next.warnings).toEqual([]);
		expect(warningEvents(change, 'en')).toEqual([expect.objectContaining({ thread, warning: null, id: null })]);
		// The thread's own page still reads, as ended.
		const found = await model.thread(thread);
		expect(found?.current.msgType).toBe('Cancel');
		expect(await model.thread('00000000-0000-4000-8000-000000000000')).toBeNull();
	});

	it('a scenic status set by staff reaches the model by NOTIFY (no timer needed)', async () => {
		const changed = nextChange(model);
		await asService(db, (tx) => scenic.setStatus(tx, 'yunmengshan', { state: 'closed', note_zh: '关闭', note_en: 'Closed' }));
		const change = await changed;
		expect(change.next.scenic.find((s) => s.id === 'yunmengshan')?.state).toBe('closed');
		expect(warningEvents(change, 'zh-CN')).toEqual([]);
	});

	it('a thread named by NOTIFY is read on its own and told before the refresh reports the change; an ended one as none', async () => {
		const order: string[] = [];
		const told: Ahead[] = [];
		const stop = model.onAhead((ahead) => (order.push('ahead'), told.push(ahead)));
		try {
			const changed = nextChange(model).then((change) => (order.push('change'), change));
			const thread = await issueOver(db, AREA);
			const change = await changed;
			expect(order).toEqual(['ahead', 'change']);
			const shown = change.next.warnings.find((w) => w.threadId === thread)!;
			expect(told[0]).toEqual({ thread, warning: shown, area: change.next.areas.get(shown.id) });

			const ended = nextChange(model).then((change) => (order.push('change'), change));
			await asService(db, (tx) => warnings.cancel(tx, thread));
			await ended;
			expect(order).toEqual(['ahead', 'change', 'ahead', 'change']);
			expect(told[1]).toEqual({ thread, warning: null, area: null });
		} finally {
			stop();
		}
		expect(threadNamed('{"thread":"t-1","id":"x"}')).toBe('t-1');
		expect(threadNamed('{"kind":"scenic"}')).toBeNull();
		expect(threadNamed('not json')).toBeNull();
	});

	it('when the database is gone, the last data is kept with its time, marked stale', async () => {
		let down = false;
		const flaky: Database = {
			...db,
			transaction: (work) => (down ? Promise.reject(Object.assign(new Error('database unavailable'), { code: '57P01' })) : db.transaction(work)),
			listen: (channel, onPayload) => db.listen(channel, onPayload)
		};
		const own = new ReadModel(flaky, 60_000);
		try {
			const first = await own.get();
			down = true;
			const kept = await own.refresh();
			expect(kept.stale).toBe(true);
			expect(kept.asOf).toEqual(first.asOf);
			expect(kept.scenic).toEqual(first.scenic);
			down = false;
			expect((await own.refresh()).stale).toBe(false);
		} finally {
			own.close();
		}
	});
});
