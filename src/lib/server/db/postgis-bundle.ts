/**
 * The PostGIS extension for the embedded database, without what the app never loads.
 *
 * `@electric-sql/pglite-postgis` ships one bundle (20 MB gzipped, 90 MB unpacked) that
 * PGlite unpacks into its in-memory file system at every start, and it loads and links
 * every `.so` in it at once — PostGIS, but also raster (with GDAL) and topology, 46 MB of
 * WebAssembly together. Measured on 0.2.8: 880 MB RSS right after opening a database,
 * 545 MB with this bundle (docs/decisions.md, "Embedded memory"). The app only creates
 * `postgis` (supabase/migrations), so the bundle keeps its library, its control file and
 * install script, and PROJ's data (geography functions transform to a local projection).
 *
 * The trimmed bundle is written once per machine and package version next to the system's
 * temporary files; when that fails the full bundle is used, as before.
 */
import { postgis } from '@electric-sql/pglite-postgis';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

type Extension = typeof postgis;

/** What the app needs of the bundle; everything else (raster, topology, tiger, upgrade scripts) is left out. */
export function kept(name: string): boolean {
	return (
		name === 'lib/postgresql/postgis-3.so' ||
		name.startsWith('share/proj/') ||
		name === 'share/postgresql/extension/postgis.control' ||
		/^share\/postgresql\/extension\/postgis--\d+\.\d+\.\d+\.sql$/.test(name)
	);
}

type Entry = { name: string; data: Buffer };

/** The regular files of a tar archive (ustar; GNU long names and pax headers are read past). */
export function untar(archive: Buffer): Entry[] {
	const entries: Entry[] = [];
	let longName: string | null = null;
	for (let at = 0; at + 512 <= archive.length; ) {
		const header = archive.subarray(at, at + 512);
		if (header.every((b) => b === 0)) break;
		const text = (from: number, length: number) => header.toString('latin1', from, from + length).replace(/\0.*$/s, '');
		const size = parseInt(text(124, 12).trim() || '0', 8);
		const type = text(156, 1) || '0';
		const data = archive.subarray(at + 512, at + 512 + size);
		const prefix = text(345, 155);
		const name = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
		longName = null;
		if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
		else if (type === '0') entries.push({ name: name.replace(/^\.\//, ''), data });
		at += 512 + Math.ceil(size / 512) * 512;
	}
	return entries;
}

/** A ustar archive of regular files (names under 100 bytes, as the kept ones are). */
export function tar(entries: Entry[]): Buffer {
	const parts: Buffer[] = [];
	for (const { name, data } of entries) {
		if (Buffer.byteLength(name) >= 100) throw new Error(`tar: name too long: ${name}`);
		const header = Buffer.alloc(512);
		const put = (value: string, from: number) => header.write(value, from, 'latin1');
		put(name, 0);
		put('0000644\0', 100);
		put('0000000\0', 108);
		put('0000000\0', 116);
		put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
		put('00000000000\0', 136);
		put('        ', 148); // the checksum counts its own field as spaces
		put('0', 156);
		put('ustar\0', 257);
		put('00', 263);
		let sum = 0;
		for (const b of header) sum += b;
		put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
		parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
	}
	parts.push(Buffer.alloc(1024));
	return Buffer.concat(parts);
}

/** Writes (once) the trimmed bundle for the installed package; returns its path, or null when it cannot. */
export function trimmedBundle(source: string, dir = os.tmpdir()): string | null {
	try {
		const stat = fs.statSync(source);
		const file = path.join(dir, `safe-miyun-postgis-${stat.size}-${Math.round(stat.mtimeMs)}.tar.gz`);
		if (fs.existsSync(file)) return file;
		const entries = untar(zlib.gunzipSync(fs.readFileSync(source))).filter((e) => kept(e.name));
		if (!entries.some((e) => e.name.endsWith('.so'))) throw new Error('no PostGIS library in the bundle');
		// Written aside and renamed: a process opening at the same time never reads half a file.
		const partial = `${file}.${process.pid}.partial`;
		fs.writeFileSync(partial, zlib.gzipSync(tar(entries), { level: 1 }));
		fs.renameSync(partial, file);
		return file;
	} catch (error) {
		console.warn(`safe-miyun: using the full PostGIS bundle (the trimmed one could not be written: ${(error as Error).message})`);
		return null;
	}
}

let chosen: Extension | null = null;

/** The PostGIS extension for PGlite, loading the trimmed bundle. */
export function postgisExtension(): Extension {
	if (chosen) return chosen;
	const setup: Extension['setup'] = async (pg, options) => {
		const result = await postgis.setup(pg, options);
		const source = result.bundlePath;
		const trimmed = source && source.protocol === 'file:' ? trimmedBundle(fileURLToPath(source)) : null;
		return trimmed ? { ...result, bundlePath: pathToFileURL(trimmed) } : result;
	};
	chosen = { ...postgis, setup };
	return chosen;
}
