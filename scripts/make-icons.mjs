#!/usr/bin/env node
// Render the Safe Miyun (平安密云) app icons from the SVG sources in static/icons/.
//
//   node scripts/make-icons.mjs
//
// Sources (hand-written, checked in):
//   static/icons/icon.svg      rounded-square icon, transparent corners  (purpose "any")
//   static/icons/maskable.svg  full-bleed square, mark inside the 80% safe zone (purpose "maskable")
//
// Outputs (all in static/icons/ unless noted):
//   icon-192.png, icon-512.png          from icon.svg
//   maskable-192.png, maskable-512.png  from maskable.svg
//   apple-touch-icon.png                180×180 from maskable.svg, flattened: no alpha channel
//   favicon-32.png                      32×32 from icon.svg
//   ../favicon.svg                      byte-for-byte copy of icon.svg
//
// The SVGs are rasterised by librsvg directly at the target size (no down-scaling
// step), then palette-quantised and compressed. No metadata or timestamps are
// written, so the same sources and the same sharp/libvips version give the same bytes.

import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'static', 'icons');

const BACKGROUND = '#0b4f6c'; // theme colour; also the icon background
const SVG_SIZE = 512; // intrinsic width/height of both source SVGs

// Deterministic output: one thread, no caching between images.
sharp.concurrency(1);
sharp.cache(false);

const targets = [
	{ src: 'icon.svg', out: 'icon-192.png', size: 192 },
	{ src: 'icon.svg', out: 'icon-512.png', size: 512 },
	{ src: 'maskable.svg', out: 'maskable-192.png', size: 192 },
	{ src: 'maskable.svg', out: 'maskable-512.png', size: 512 },
	{ src: 'maskable.svg', out: 'apple-touch-icon.png', size: 180, opaque: true },
	{ src: 'icon.svg', out: 'favicon-32.png', size: 32 }
];

/** @param {Buffer} svg @param {number} size @param {boolean} opaque */
async function render(svg, size, opaque) {
	// density 72 dpi = 1 SVG px per output px; scale it so librsvg draws at `size`.
	let img = sharp(svg, { density: (72 * size) / SVG_SIZE }).resize(size, size, {
		fit: 'fill',
		kernel: 'lanczos3'
	});
	if (opaque) img = img.flatten({ background: BACKGROUND }).removeAlpha();
	return img
		.png({
			palette: true, // libimagequant, 8-bit indexed (with tRNS only if alpha)
			colours: 256,
			quality: 100,
			dither: 0, // flat artwork: no dithering noise, smaller files
			effort: 10,
			compressionLevel: 9,
			adaptiveFiltering: false
		})
		.toBuffer();
}

const sources = new Map();
for (const { src, out, size, opaque = false } of targets) {
	if (!sources.has(src)) sources.set(src, await readFile(join(dir, src)));
	const png = await render(sources.get(src), size, opaque);
	const meta = await sharp(png).metadata();
	if (meta.width !== size || meta.height !== size) {
		throw new Error(`${out}: expected ${size}×${size}, got ${meta.width}×${meta.height}`);
	}
	if (opaque && meta.hasAlpha) throw new Error(`${out}: must not have an alpha channel`);
	await writeFile(join(dir, out), png);
	console.log(`${out.padEnd(22)} ${size}×${size}  ${png.length} bytes`);
}

await copyFile(join(dir, 'icon.svg'), join(root, 'static', 'favicon.svg'));
console.log('../favicon.svg         copy of icon.svg');
