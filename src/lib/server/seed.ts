/**
 * Demo rows for the embedded default only (config.seedDemo, never with DATABASE_URL):
 * one admin whose credentials the README states. Reference data is not seed: it is a
 * migration, because production needs it too.
 */
import { asService } from './db/caller';
import type { Database } from './db/port';
import { addStaff } from './staff';
import { DEMO_ADMIN } from './demo';
import { seedDemoHazardPoints } from './geography/seed';
import { seedDemoShelters } from './shelters/seed';
import { seedDemoRoll } from './evacuation/seed';
import { seedVolunteerDemo } from './volunteers/seed';

export { DEMO_ADMIN };

export async function seedDemo(db: Database): Promise<boolean> {
	await seedVolunteerDemo(db);
	const existing = await asService(db, (tx) => tx.query('select 1 from auth.users where email = $1', [DEMO_ADMIN.email]));
	// Idempotent: also gives an existing demo database its demo hazard points.
	if (existing.length) return (await seedDemoHazardPoints(db), await seedDemoRoll(db), false);
	await addStaff(db, DEMO_ADMIN);
	await seedDemoShelters(db);
	await seedDemoHazardPoints(db);
	await seedDemoRoll(db);
	return true;
}
