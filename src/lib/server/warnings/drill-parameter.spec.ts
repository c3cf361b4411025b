/**
 * The CAP parameter safeMiyunVolunteerEventId texts every confirmed participant of an
 * event (issue 14, item 11). It is dropped from CAP imports, and only someone who
 * organises the event may put it on a warning — also through a direct database
 * connection as that role (what Supabase REST would do).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { DRILL_PARAMETER, matchStep } from '../messaging/queue';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import { register } from '../volunteers/registrations';
import { addEvent, addVolunteer } from '../volunteers/testing';
import { importCap } from './cap-store';
import * as warnings from './store';
import { capAlert, rainstorm } from './testing/fixtures';

describe.each(backends())('drill event parameter on $name', (backend) => {
	let db: Database;
	let feed: Claims, outsider: Claims, organiser: Claims;
	let eventId: string;

	beforeAll(async () => {
		db = await backend.open();
		const key = await createApiKey(db, 'feed', 'warning_issuer');
		feed = { role: 'authenticated', sub: (await findApiKey(db, key))!.id, api_key: true };
		const add = async (email: string, departmentCode: string) => {
			const { userId } = await addStaff(db, { email, password: 'correct horse battery', role: 'warning_issuer', departmentCode });
			return { role: 'authenticated', sub: userId, email } satisfies Claims;
		};
		outsider = await add('outsider@drill.test', 'emergency');
		organiser = await add('organiser@drill.test', 'water');
		eventId = await addEvent(db, { department: 'water' });
		const volunteer = await addVolunteer(db);
		await as(db, volunteer, (tx) => register(tx, eventId));
	});
	afterAll(async () => {
		await db?.close();
	});

	const drillParameter = () => `<parameter><valueName>${DRILL_PARAMETER}</valueName><value>${eventId}</value></parameter>`;

	it('is dropped from an imported CAP alert: no volunteer is texted', async () => {
		const xml = capAlert({ identifier: 'exercise-with-event', status: 'Exercise' }).replace(/(<parameter><valueName>source)/, `${drillParameter()}$1`);
		expect(xml).toContain(DRILL_PARAMETER);
		const imported = await as(db, feed, (tx) => importCap(tx, xml));
		const stored = await asService(db, (tx) => warnings.get(tx, imported.id));
		expect(stored!.parameters.map((p) => p.valueName)).not.toContain(DRILL_PARAMETER);
		while (await asService(db, matchStep));
		const texted = await asService(db, (tx) => tx.query(`select 1 from public.delivery_queue where warning_id = $1 and channel = 'sms'`, [imported.id]));
		expect(texted).toHaveLength(0);
	});

	it('is refused from an issuer who does not organise the event, and from an API key', async () => {
		const exercise = rainstorm({ status: 'Exercise', level: 'blue', parameters: [{ valueName: DRILL_PARAMETER, value: eventId }] });
		expect(await sqlState(as(db, outsider, (tx) => warnings.saveDraft(tx, exercise)))).toBe('42501');
		expect(await sqlState(as(db, feed, (tx) => warnings.saveDraft(tx, exercise)))).toBe('42501');
		// not on an Actual warning either, even from the organiser
		expect(await sqlState(as(db, organiser, (tx) => warnings.saveDraft(tx, { ...exercise, status: 'Actual' })))).toBe('42501');
		// nor by writing the row directly
		const direct = as(db, outsider, (tx) =>
			tx.query(
				`insert into public.warnings (identifier, sender, status, hazard, level, expires, parameters, areas, area, thread_id)
				 values ('direct', 'x', 'Exercise', 'rainstorm', 'blue', now() + interval '1 hour', $1, '[{"kind":"geocode","code":"110118101"}]',
				   (select extensions.st_multi(area) from public.town_areas where code = '110118101'), gen_random_uuid())`,
				[JSON.stringify([{ valueName: DRILL_PARAMETER, value: eventId }])]
			)
		);
		expect(await sqlState(direct)).toBe('42501');
	});

	it('is accepted from the event’s organiser on an Exercise', async () => {
		const exercise = rainstorm({ status: 'Exercise', level: 'blue', parameters: [{ valueName: DRILL_PARAMETER, value: eventId }] });
		const saved = await as(db, organiser, (tx) => warnings.saveDraft(tx, exercise));
		expect('id' in saved).toBe(true);
	});
});
