/**
 * Notification icons by warning level: static/icons/level-<level>.png (192×192, the
 * level's colour with a warning sign) and static/icons/badge.png (96×96, the sign alone:
 * Android draws a badge from its alpha channel only).
 *
 *   npx tsx scripts/make-level-icons.ts
 *
 * Colours come from LEVEL_COLOURS (src/lib/hazards.ts), so icons and pages agree.
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { LEVEL_COLOURS, WARNING_LEVELS } from '../src/lib/hazards';

const SIGN = (fill: string, mark: string) =>
	`<path d="M96 30 L166 152 H26 Z" fill="${fill}" stroke="${fill}" stroke-width="14" stroke-linejoin="round"/>` +
	`<rect x="88" y="72" width="16" height="46" rx="6" fill="${mark}"/><circle cx="96" cy="134" r="9" fill="${mark}"/>`;

sharp.concurrency(1);
sharp.cache(false);
const png = (svg: string, size: number) =>
	sharp(Buffer.from(svg), { density: (72 * size) / 192 })
		.resize(size, size)
		.png({ palette: true, colours: 64, compressionLevel: 9, effort: 10 })
		.toBuffer();

for (const level of WARNING_LEVELS) {
	const { background, text } = LEVEL_COLOURS[level];
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192" viewBox="0 0 192 192"><rect width="192" height="192" rx="40" fill="${background}"/>${SIGN(text, background)}</svg>`;
	const out = await png(svg, 192);
	await writeFile(`static/icons/level-${level}.png`, out);
	console.log(`level-${level}.png ${out.length} bytes`);
}
const badge = await png(`<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192" viewBox="0 0 192 192"><mask id="m"><rect width="192" height="192" fill="#fff"/><rect x="88" y="72" width="16" height="46" rx="6" fill="#000"/><circle cx="96" cy="134" r="9" fill="#000"/></mask><path d="M96 30 L166 152 H26 Z" fill="#fff" stroke="#fff" stroke-width="14" stroke-linejoin="round" mask="url(#m)"/></svg>`, 96);
await writeFile('static/icons/badge.png', badge);
console.log(`badge.png ${badge.length} bytes`);
