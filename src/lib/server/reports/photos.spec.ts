import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES, PhotoError, processPhoto, processPhotos } from './photos';
import { fileOf, jpegWithGps } from './testing';

const hasGpsTag = (exif: Buffer) => exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));

describe('photos', () => {
	it('re-encodes to JPEG and strips EXIF and GPS', async () => {
		const input = await jpegWithGps();
		const before = await sharp(input).metadata();
		expect(before.exif && hasGpsTag(before.exif)).toBe(true);
		expect(input.includes('TestCam')).toBe(true);

		const out = await processPhoto(input);
		const after = await sharp(out.bytes).metadata();
		expect(after.format).toBe('jpeg');
		expect(after.exif).toBeUndefined();
		expect(after.xmp).toBeUndefined();
		expect(out.bytes.includes('TestCam')).toBe(false);
		expect(out.bytes.includes('Exif\0\0')).toBe(false);
		expect({ w: out.width, h: out.height }).toEqual({ w: 64, h: 48 });
	});

	it('decides the type by content: a text file named .jpg is refused, a PNG named .txt is accepted', async () => {
		await expect(processPhoto(Buffer.from('GIF? no: just text pretending to be a photo'))).rejects.toThrow(PhotoError);
		const png = await sharp({ create: { width: 10, height: 10, channels: 4, background: '#0000' } }).png().toBuffer();
		const [photo] = await processPhotos([fileOf(png, 'notes.txt', 'text/plain')]);
		expect(photo!.type).toBe('image/jpeg');
		expect(Buffer.from(photo!.base64, 'base64').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
	});

	it('shrinks large photos to 1600 px and refuses too many or too large', async () => {
		const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#888' } }).jpeg().toBuffer();
		const out = await processPhoto(big);
		expect(Math.max(out.width, out.height)).toBe(1600);
		await expect(processPhoto(new Uint8Array(MAX_PHOTO_BYTES + 1))).rejects.toMatchObject({ key: 'reports.errors.photo_too_large' });
		const five = Array.from({ length: 5 }, () => fileOf(big, 'a.jpg', 'image/jpeg'));
		await expect(processPhotos(five)).rejects.toMatchObject({ key: 'reports.errors.too_many_photos' });
	});
});
