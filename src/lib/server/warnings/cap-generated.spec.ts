/**
 * No CAP message may cause a 5xx: generated alerts with extreme but legal dates (year
 * 0001 to 9999, every zone offset, 24:00:00, 29 February), areas (a pole, the whole
 * globe, 500-point rings, 50 areas, tiny and 100 km circles, every township) and texts
 * (limits exactly, astral characters, markup, whitespace) are imported on a real
 * database. Each must be stored, or refused with a CapError (HTTP 400) naming the
 * element — anything else is what the API would answer with a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends } from '../testing/db';
import { CapError } from './cap';
import { importCap } from './cap-store';

/** A small deterministic PRNG (mulberry32): the same seed gives the same alerts. */
function random(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
		pick: <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
	};
}
type Rng = ReturnType<typeof random>;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A CAP date-time `ms` from now in a random zone offset. */
function at(rng: Rng, ms: number): string {
	const offset = rng.int(-12, 14) * 60 + rng.pick([0, 0, 30, 45]) * (rng.next() < 0.5 ? -1 : 1);
	const minutes = Math.max(-12 * 60, Math.min(14 * 60, offset));
	const local = new Date(Date.now() + ms + minutes * 60_000);
	const sign = minutes < 0 ? '-' : '+';
	return `${local.toISOString().slice(0, 19)}${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

const DAY = 86_400_000;
/** Expiry times: near, far, the end of the calendar, and some that are invalid or past. */
function expires(rng: Rng): string {
	if (rng.next() < 0.1) return rng.pick([`${rng.int(2100, 9999)}-02-30T12:00:00+08:00`, at(rng, -rng.int(1, 1000) * DAY)]);
	return rng.pick([
		() => at(rng, 60_000),
		() => at(rng, rng.int(1, 365) * DAY),
		() => `2099-12-31T23:59:59+08:00`,
		() => `9999-12-31T23:59:59-12:00`,
		() => `9999-12-31T24:00:00+14:00`,
		() => `2096-02-29T00:00:00+00:00`,
		() => `2400-02-29T00:00:00+00:00`
	])();
}
function earlier(rng: Rng): string {
	return rng.pick([() => at(rng, -60_000), () => `0001-01-01T00:00:00+14:00`, () => `1970-01-01T00:00:00+00:00`, () => at(rng, rng.int(1, 48) * 3600_000)])();
}

const TOWNS = ['110118001', '110118002', '110118100', '110118101', '110118102', '110118103', '110118104', '110118105', '110118106', '110118107',
	'110118108', '110118109', '110118110', '110118111', '110118112', '110118113', '110118114', '110118115', '110118116', '110118400', '110118999'];

/** Townships with a sourced seat, so with an (approximate) area. */
const SEATED = ['110118101', '110118106', '110118116', '110118109'];

function ring(lat: number, lon: number, radius: number, points: number): string {
	const pts = Array.from({ length: points - 1 }, (_, i) => {
		const a = (2 * Math.PI * i) / (points - 1);
		return `${(lat + radius * Math.sin(a)).toFixed(6)},${(lon + radius * Math.cos(a)).toFixed(6)}`;
	});
	return [...pts, pts[0]].join(' ');
}

function area(rng: Rng): string {
	if (rng.next() < 0.05) {
		return rng.pick([
			'<polygon>40.5,116.9 40.5,116.9 40.5,116.9 40.5,116.9</polygon>',
			'<polygon>40.4,116.8 40.5,116.9 40.4,116.9 40.5,116.8 40.4,116.8</polygon>',
			`<geocode><valueName>CN-NBS</valueName><value>${rng.pick(TOWNS)}</value></geocode>`
		]);
	}
	return rng.pick([
		() => `<polygon>${ring(40.45 + rng.next() * 0.2, 116.85 + rng.next() * 0.3, 0.01 + rng.next() * 0.2, rng.int(4, 500))}</polygon>`,
		// the whole globe, corner to corner
		() => `<polygon>-90,-180 -90,180 90,180 90,-180 -90,-180</polygon>`,
		() => `<polygon>-89.999999,-179.999999 -89.999999,179.999999 89.999999,179.999999 -89.999999,-179.999999</polygon>`,
		() => `<circle>${(40.3 + rng.next() * 0.4).toFixed(4)},${(116.7 + rng.next() * 0.6).toFixed(4)} ${rng.pick(['0.001', '100', '0.5', '99.9999'])}</circle>`,
		() => `<circle>90,180 100</circle>`,
		() => `<circle>-90,-180 0.1</circle>`,
		() => `<geocode><valueName>CN-NBS</valueName><value>${rng.pick(SEATED)}</value></geocode>`,
		() => `<geocode><valueName>CN-NBS</valueName><value>110118101201</value></geocode>`
	])();
}

function words(rng: Rng, max: number): string {
	const kind = rng.next() < 0.06 ? rng.pick(['over', 'blank']) : rng.pick(['max', 'astral', 'markup', 'short', 'short', 'rtl']);
	const base = rng.pick(['暴雨', 'Flood ⚠', '🌧️🌊', 'אזהרה', 'a&b<c>"d\'', 'x̧̨̛̀́']);
	switch (kind) {
		case 'max':
			return esc('密'.repeat(max));
		case 'over':
			return esc('云'.repeat(max + 1));
		case 'astral':
			return esc('🌊'.repeat(Math.floor(max / 2)));
		case 'markup':
			return `<![CDATA[${'<b>&amp;</b>'.slice(0, max)}]]>`;
		case 'blank':
			return rng.pick(['   ', '\n\t']);
		case 'rtl':
			return esc(`\u202e${base}`.slice(0, max));
		default:
			return esc(base);
	}
}

function info(rng: Rng, lang: string | null, times: { effective: string; onset: string | null; expires: string }, areas: string[]): string {
	const level = rng.next() < 0.05
		? '<parameter><valueName>level</valueName><value>purple</value></parameter>'
		: rng.pick(['<parameter><valueName>预警级别</valueName><value>红色</value></parameter>', '<parameter><valueName>level</valueName><value>blue</value></parameter>', '']);
	return `<info>
  ${lang === null ? '' : `<language>${lang}</language>`}
  <category>Met</category>
  <event>${rng.pick(['暴雨', 'Flash Flood Warning', '地震', 'Forest fire', '大风'])}</event>
  <responseType>${rng.pick(['Shelter', 'Evacuate', 'AllClear', 'None'])}</responseType>
  <urgency>${rng.pick(['Immediate', 'Expected', 'Future', 'Past', 'Unknown'])}</urgency>
  <severity>${rng.pick(['Extreme', 'Severe', 'Moderate', 'Minor'])}</severity>
  <certainty>${rng.pick(['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'])}</certainty>
  <effective>${times.effective}</effective>
  ${times.onset ? `<onset>${times.onset}</onset>` : ''}
  <expires>${times.expires}</expires>
  <senderName>${words(rng, 200)}</senderName>
  <headline>${words(rng, 200)}</headline>
  <description>${words(rng, 4000)}</description>
  <instruction>${words(rng, 4000)}</instruction>
  ${rng.next() < 0.3 ? `<web>https://example.org/${'w'.repeat(rng.pick([1, 480, 480, 600]))}</web>` : ''}
  ${rng.next() < 0.3 ? `<contact>${esc('0'.repeat(rng.pick([1, 200, 201])))}</contact>` : ''}
  ${level}
  <parameter><valueName>${esc('参数'.repeat(rng.int(1, 50)))}</valueName><value>${esc('🌧'.repeat(rng.int(0, 300)))}</value></parameter>
  <area>
    <areaDesc>${words(rng, 1000)}</areaDesc>
    ${areas.join('\n    ')}
  </area>
</info>`;
}

function alert(seed: number): string {
	const rng = random(seed);
	const times = { effective: earlier(rng), onset: rng.next() < 0.5 ? rng.pick([at(rng, 3600_000), `9999-12-31T23:59:59+14:00`, `0001-01-01T00:00:00-12:00`]) : null, expires: expires(rng) };
	const areas = Array.from({ length: rng.next() < 0.05 ? 51 : rng.pick([1, 1, 2, 3, 50]) }, () => (rng.next() < 0.85 ? `<geocode><valueName>CN-NBS</valueName><value>${rng.pick(SEATED)}</value></geocode>` : area(rng)));
	if (areas.length < 4 && rng.next() < 0.5) areas[0] = area(rng);
	const langs = rng.next() < 0.05 ? rng.pick([['x-klingon'], ['zh', 'zh-CN']]) : rng.pick([[null], ['zh-CN'], ['zh-CN', 'en'], ['en-GB', 'zh-Hans-CN'], ['fr-CA', 'mn', 'bo']]);
	return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${rng.next() < 0.05 ? `gen\u00a0${seed}` : rng.pick([`gen-${seed}`, `${'Ⅸ'.repeat(190)}-${seed}`])}</identifier>
  <sender>${rng.pick(['12379@cma.gov.cn', 'x'.repeat(200), 'sender🌧'])}</sender>
  <sent>${rng.next() < 0.05 ? '2023-02-29T12:00:00+08:00' : rng.pick([at(rng, -60_000), '0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59-12:00', '2024-02-29T24:00:00+08:00'])}</sent>
  <status>${rng.pick(['Actual', 'Exercise', 'Test', 'System', 'Draft'])}</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  ${langs.map((lang) => info(rng, lang, times, areas)).join('\n')}
</alert>`;
}

const SEEDS = Array.from({ length: Number(process.env.CAP_GENERATED ?? 100) }, (_, i) => i + 1);

describe.each(backends())('generated CAP alerts on $name', (backend) => {
	let db: Database;
	let feed: Claims;
	beforeAll(async () => {
		db = await backend.open();
		const key = await createApiKey(db, 'generated feed', 'warning_issuer');
		feed = { role: 'authenticated', sub: (await findApiKey(db, key))!.id, api_key: true };
	});
	afterAll(async () => {
		await db?.close();
	});

	it('a valid alert that expires in 2099 is imported, and its push TTL is at most 4 weeks', async () => {
		const simple = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>far-future</identifier><sender>12379@cma.gov.cn</sender><sent>${at(random(0), -60_000)}</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Expected</urgency><severity>Severe</severity>
    <certainty>Likely</certainty><expires>2099-12-31T23:59:59+08:00</expires><headline>暴雨预警</headline>
    <description>预计有暴雨。</description><instruction>注意防范。</instruction>
    <area><areaDesc>溪翁庄镇</areaDesc><geocode><valueName>CN-NBS</valueName><value>110118101</value></geocode></area></info>
</alert>`;
		const imported = await as(db, feed, (tx) => importCap(tx, simple));
		expect(imported).toMatchObject({ created: true, state: 'issued' });
		const [row] = await asService(db, (tx) =>
			tx.query<{ ttl: number }>('select extract(epoch from deadline - now())::int as ttl from public.deliveries where warning_id = $1', [imported.id])
		);
		expect(row!.ttl).toBeGreaterThan(27 * 86_400);
		expect(row!.ttl).toBeLessThanOrEqual(28 * 86_400);
	});

	it(`${SEEDS.length} generated alerts: each is stored or refused naming the element, never a server error`, async () => {
		const failures: string[] = [];
		const outcomes = { stored: 0, refused: 0 };
		for (const seed of SEEDS) {
			const xml = alert(seed);
			const before = await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::int as n from public.warnings'));
			try {
				await as(db, feed, (tx) => importCap(tx, xml));
				outcomes.stored++;
				if (process.env.CAP_GENERATED_LOG) console.log(`seed ${seed}: stored`);
			} catch (error) {
				if (error instanceof CapError && /^(alert|xml)\b/.test(error.element) && error.problem) {
					outcomes.refused++;
					if (process.env.CAP_GENERATED_LOG) console.log(`seed ${seed}: ${error.message}`);
					// nothing half-written
					const after = await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::int as n from public.warnings'));
					if (after[0]!.n !== before[0]!.n) failures.push(`seed ${seed}: refused at ${error.element} but left rows behind`);
				} else {
					failures.push(`seed ${seed}: ${(error as Error).message}`);
				}
			}
		}
		expect(failures).toEqual([]);
		// the generator reaches both outcomes
		expect(outcomes.stored).toBeGreaterThan(0);
		expect(outcomes.refused).toBeGreaterThan(0);
	}, 600_000);
});
