/** Offline answers from the device's copies: the guides' search index and the shelter snapshot. */
import { describe, expect, it } from 'vitest';
import { makeT } from '$lib/i18n';
import type { ShelterSnapshot } from '$lib/shelters/types';
import { guideDocs } from '$lib/server/guides';
import { messagesFor } from '$lib/server/i18n';
import { answerOffline } from './offline';

const shelter = (id: string, name: string, lat: number, lon: number, hazards: string[]) =>
	({ id, name_zh: name, name_en: name, lat, lon, status: 'open', hazards, demo: true }) as unknown as ShelterSnapshot['shelters'][number];

const snapshot = {
	version: 'x',
	as_of: '2026-11-29T08:00:00.000Z',
	walk_kmh: 4,
	shelters: [shelter('far', 'Far', 40.6, 117.0, ['earthquake']), shelter('near', 'Near', 40.465, 116.864, ['earthquake']), shelter('flood', 'High', 40.47, 116.87, ['flood'])],
	routes: [],
	outline: [],
	towns: [{ code: '110118101', name_zh: '溪翁庄镇', name_en: 'Xiwengzhuang Town', lat: 40.4646, lon: 116.8633 }],
	exclusion: [],
	warning_areas: []
} as ShelterSnapshot;

const load = async (url: string) => (url.startsWith('/guides/search-') ? guideDocs(url.includes('-en.') ? 'en' : 'zh-CN') : url === '/api/shelters/snapshot' ? snapshot : null);
const zh = makeT('zh-CN', messagesFor('zh-CN'));
const en = makeT('en', messagesFor('en'));

describe('offline answers', () => {
	it('puts an emergency first, as online', async () => {
		const a = await answerOffline('着火了', 'zh-CN', null, zh, load);
		expect(a.intent).toBe('emergency');
		expect(a.links[0]?.href).toBe('tel:119');
	});

	it('answers "which way do I run" in a fire now with 119, then the fire guide, as online', async () => {
		const a = await answerOffline('楼道全是烟 往上跑还是往下跑', 'zh-CN', null, zh, load);
		expect(a.intent).toBe('emergency');
		expect(a.links[0]?.href).toBe('tel:119');
		expect(a.links.map((l) => l.href)).toContain('/guides/building_fire#during');
		expect(a.links.some((l) => l.href.includes('flash_flood'))).toBe(false);
	});

	it('gives the part of first aid or gas safety the message is about, as online (choking, electric shock, carbon monoxide)', async () => {
		const choking = await answerOffline('孩子吃东西噎住了', 'zh-CN', null, zh, load);
		expect(choking.links[0]?.href).toBe('tel:120');
		expect(choking.reply).toContain('鼓励他使劲咳');
		const shock = await answerOffline('如果有人触电了怎么办', 'zh-CN', null, zh, load);
		expect(shock.intent).toBe('guide');
		expect(shock.reply).toContain('先断电');
		const co = await answerOffline('coal stove on all night and my parents are very sleepy and confused', 'en', null, en, load);
		expect(co.links[0]?.href).toBe('tel:120');
		expect(co.links.map((l) => l.href)).toContain('/guides/gas_safety#during');
		expect(co.reply).toContain('Open doors and windows');
	});

	it('quotes the guide’s own words, from the kept search index', async () => {
		const a = await answerOffline('山洪来了怎么办', 'zh-CN', null, zh, load);
		expect(a.intent).toBe('guide');
		expect(a.links[0]?.href).toBe('/guides/flash_flood#during');
		const quoted = a.reply.split('\n').at(-1)!;
		expect(guideDocs('zh-CN').find((d) => d.slug === 'flash_flood')!.sections.during).toContain(quoted);
		expect(a.reply).toMatch(/^当前离线/);
	});

	it('leaves out kept shelters inside a kept warning area, says so and whom to follow', async () => {
		const d = 0.01;
		const area = [[[[116.87 - d, 40.47 - d], [116.87 + d, 40.47 - d], [116.87 + d, 40.47 + d], [116.87 - d, 40.47 + d], [116.87 - d, 40.47 - d]]]] as [number, number][][][];
		const warned = {
			...snapshot,
			shelters: snapshot.shelters.map((s) => ({ ...s, capacity: 100, occupancy: 0 })),
			exclusion: [{ hazard: 'flood', excludes: true, reason_zh: '位于洪水预警区域内，可能被水淹没', reason_en: 'inside a flood warning area: it may be flooded' }],
			warning_areas: [{ warning_id: 'w', hazard: 'flood', level: 'red', area }]
		} as ShelterSnapshot;
		const loadWarned = async (url: string) => (url === '/api/shelters/snapshot' ? warned : load(url));
		const a = await answerOffline('flood shelter near me', 'en', { lat: 40.4646, lon: 116.8633 }, en, loadWarned);
		expect(a.intent).toBe('shelter');
		expect(a.links).toEqual([]);
		expect(a.reply).toContain('Every suitable shelter within 5 km is inside an active warning area');
		expect(a.reply).toContain('High: inside a flood warning area: it may be flooded (Red warning)');
		expect(a.reply).toContain('township and village staff');
	});

	it('ranks the kept shelters from the position, or from a township named', async () => {
		const a = await answerOffline('nearest shelter', 'en', { lat: 40.4646, lon: 116.8633 }, en, load);
		expect(a.intent).toBe('shelter');
		expect(a.links.map((l) => l.href)).toEqual(['/shelters/near', '/shelters/flood', '/shelters/far']);
		const flood = await answerOffline('洪水来了 溪翁庄的避难场所', 'zh-CN', null, zh, load);
		expect(flood.links.map((l) => l.href)).toEqual(['/shelters/flood']);
		expect(flood.reply).toContain('离溪翁庄镇最近');
	});

	it('says what it cannot do offline', async () => {
		expect((await answerOffline('现在有预警吗', 'zh-CN', null, zh, load)).reply).toMatch(/当前离线，只能回答/);
		expect((await answerOffline('我要反映', 'zh-CN', null, zh, load)).links[0]?.href).toBe('/report');
	});
});
