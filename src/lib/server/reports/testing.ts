/** Test helpers for the reports suites: a valid draft, staff of each kind, a tiny JPEG. */
import sharp from 'sharp';
import type { Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { freshIds, type Draft } from './submit';

export function draft(over: Partial<Draft> = {}): Draft {
	return {
		...freshIds(),
		category: 'flood_water',
		description: 'Water over the road at the village entrance, 30 cm deep',
		town: '110118101',
		village: '',
		address: 'Village entrance',
		lat: 40.4646,
		lon: 116.8633,
		name: 'Li',
		phone: '13800000000',
		...over
	};
}

export async function staffClaims(db: Database, email: string, role: string, unit: { departmentCode?: string; townCode?: string }): Promise<Claims> {
	const { userId } = await addStaff(db, { email, password: 'correct horse battery', role, ...unit });
	return { role: 'authenticated', sub: userId, email };
}

/** A JPEG carrying EXIF with a camera make and a GPS position. */
export function jpegWithGps(): Promise<Buffer> {
	return sharp({ create: { width: 64, height: 48, channels: 3, background: '#c00' } })
		.jpeg()
		.withExif({ IFD0: { Make: 'TestCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 22/1 0/1' } })
		.toBuffer();
}

export function fileOf(bytes: Uint8Array, name: string, type: string): File {
	return new File([new Uint8Array(bytes)], name, { type });
}
