/**
 * The page offline understands a message as the server does: for every message of the
 * held-out test split, whatever its size (and the dev split and the first evaluation set), the device's answer — from the
 * kept guide index and shelter snapshot, no database — has the server's intent.
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerOffline } from '$lib/assistant/offline';
import { makeT, type Lang } from '$lib/i18n';
import { ANON_CLAIMS } from '../db/caller';
import type { Database } from '../db/port';
import { guideDocs } from '../guides';
import { messagesFor } from '../i18n';
import * as shelters from '../shelters';
import { seedDemoShelters } from '../shelters/seed';
import { as, backends } from '../testing/db';
import { converse } from '.';

type Item = { text: string; lang: Lang; intent: string };
const FILES = ['eval/assistant/test.yaml', 'eval/assistant/dev.yaml', 'eval/assistant/messages.yaml'].filter((f) => fs.existsSync(f));
// Any size of test split (an empty one too, until the lead installs the next): dev and the first evaluation set always run with it.
const items = FILES.flatMap((f) => ((parse(fs.readFileSync(f, 'utf8')) as Item[] | null) ?? []).filter((i) => i && typeof i.text === 'string'));
/** About 20 ms a message on both sides, with room for a slow shared machine. */
const TIMEOUT = 60_000 + 200 * items.length;

describe.each(backends())('offline and server on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
		await seedDemoShelters(db);
	});
	afterAll(async () => {
		await db?.close();
	});

	it(`give the same intent for all ${items.length} messages of ${FILES.join(', ')}`, async () => {
		const snapshot = await as(db, ANON_CLAIMS, (tx) => shelters.snapshot(tx));
		const load = async (url: string) => (url.startsWith('/guides/search-') ? guideDocs(url.includes('-en.') ? 'en' : 'zh-CN') : url === '/api/shelters/snapshot' ? snapshot : null);
		const t = { 'zh-CN': makeT('zh-CN', messagesFor('zh-CN')), en: makeT('en', messagesFor('en')) };
		const differ: string[] = [];
		for (const item of items) {
			const server = await as(db, ANON_CLAIMS, (tx) =>
				converse(tx, { id: null, message: { text: item.text, lang: item.lang, lat: null, lon: null, photos: [] }, channel: { kind: 'web', photos: true, reportLimit: () => null } })
			);
			const device = await answerOffline(item.text, item.lang, null, t[item.lang], load);
			if (device.intent !== server.intent) differ.push(`${server.intent} ≠ ${device.intent}: ${item.text}`);
		}
		expect(items.length).toBeGreaterThan(0);
		expect(differ).toEqual([]);
	}, TIMEOUT);
});
