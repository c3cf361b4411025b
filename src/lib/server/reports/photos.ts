/**
 * Photos from the public: the type is decided by the content (sharp reads the
 * bytes, never trusting the file name or the declared type), then every photo is
 * re-encoded to JPEG at most 1600 px on its longest side. Re-encoding drops all
 * metadata (EXIF, GPS, XMP, ICC) because sharp keeps none unless asked to.
 */
import sharp from 'sharp';

import { MAX_PHOTOS } from '../../reports/draft';

export { MAX_PHOTOS, photoFiles } from '../../reports/draft';
/** Per photo as uploaded; a phone photo is 2–6 MB. */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
const MAX_SIDE = 1600;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'heif', 'avif', 'gif', 'tiff']);

export type Photo = { type: 'image/jpeg'; width: number; height: number; bytes: Buffer };

export class PhotoError extends Error {
	constructor(readonly key: string) {
		super(key);
		this.name = 'PhotoError';
	}
}

export async function processPhoto(input: Uint8Array): Promise<Photo> {
	if (input.byteLength > MAX_PHOTO_BYTES) throw new PhotoError('reports.errors.photo_too_large');
	let format: string | undefined;
	try {
		format = (await sharp(input).metadata()).format;
	} catch {
		throw new PhotoError('reports.errors.photo_not_image');
	}
	if (!format || !ACCEPTED_FORMATS.has(format)) throw new PhotoError('reports.errors.photo_not_image');
	try {
		const { data, info } = await sharp(input, { limitInputPixels: 60_000_000, pages: 1 })
			.rotate() // apply the EXIF orientation before the EXIF is dropped
			.resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
			.flatten({ background: '#ffffff' })
			.jpeg({ quality: 80 })
			.toBuffer({ resolveWithObject: true });
		return { type: 'image/jpeg', width: info.width, height: info.height, bytes: data };
	} catch {
		throw new PhotoError('reports.errors.photo_not_image');
	}
}

/** The files a form sent as `photos` (empty inputs from a form without a choice are skipped). */
/** Processes up to MAX_PHOTOS files; the shape report_submit/report_close take. */
export async function processPhotos(files: File[]): Promise<{ type: string; width: number; height: number; base64: string }[]> {
	if (files.length > MAX_PHOTOS) throw new PhotoError('reports.errors.too_many_photos');
	const out = [];
	for (const file of files) {
		const photo = await processPhoto(new Uint8Array(await file.arrayBuffer()));
		out.push({ type: photo.type, width: photo.width, height: photo.height, base64: photo.bytes.toString('base64') });
	}
	return out;
}
