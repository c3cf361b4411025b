/**
 * A drill sends a CAP Exercise warning to its participants: the same warning path as a
 * real one (watermarked as an exercise everywhere), so the drill also rehearses the
 * warning itself. Its area is the drill's place (1 km around it, or its township); the
 * participants are reached by text through their volunteer phone numbers, whatever
 * their subscriptions say. Only a warning issuer or an admin may send it (RLS and the
 * warnings guard decide).
 */
import type { HazardCode } from '../../db-types.gen';
import { makeT, type Lang } from '../../i18n';
import type { Queryable } from '../db/port';
import { messagesFor } from '../i18n';
import * as warnings from '../warnings/store';
import type { Info, WarningInput } from '../warnings/model';
import { DRILL_PARAMETER } from '../messaging/queue';
import type { EventRow } from './events';


const HAZARD_OF_TOPIC: Record<string, HazardCode> = {
	flash_flood: 'flash_flood',
	reservoir_release: 'flood',
	forest_fire: 'forest_fire',
	earthquake: 'earthquake',
	hazmat: 'hazmat'
};

export function drillWarning(event: EventRow, now = new Date()): WarningInput {
	const info = (lang: Lang): Info => {
		const t = makeT(lang, messagesFor(lang));
		const title = lang === 'en' ? event.title_en : event.title_zh;
		return {
			lang,
			event: t('delivery.drill_event'),
			// the exercise prefix is the warning's status, added wherever it is shown or sent
			headline: title,
			description: t('delivery.drill_description', { title, place: event.place }),
			instruction: t('delivery.drill_instruction'),
			senderName: t('delivery.drill_sender'),
			areaDesc: event.place
		};
	};
	return {
		status: 'Exercise',
		hazard: HAZARD_OF_TOPIC[event.topic] ?? 'public_emergency',
		level: 'blue',
		urgency: 'Immediate',
		certainty: 'Observed',
		responseType: 'Execute',
		effective: now,
		onset: null,
		expires: new Date(Math.max(new Date(event.ends_at).getTime(), now.getTime() + 3600_000)),
		web: null,
		contact: null,
		parameters: [{ valueName: DRILL_PARAMETER, value: event.id }],
		areas:
			event.lat !== null && event.lon !== null
				? [{ kind: 'circle', centre: [event.lat, event.lon], radiusKm: 1 }]
				: [{ kind: 'geocode', code: event.town_code }],
		infos: [info('zh-CN'), info('en')]
	};
}

/** Issues the drill's Exercise warning as the caller; its public id, or why not. */
export async function sendDrillWarning(tx: Queryable, event: EventRow): Promise<{ threadId: string } | { problem: string }> {
	if (event.kind === 'training') return { problem: 'delivery.drill_not_a_drill' };
	let saved: Awaited<ReturnType<typeof warnings.saveDraft>>;
	try {
		saved = await warnings.saveDraft(tx, drillWarning(event));
	} catch (error) {
		// The warnings guard refuses anyone but an issuer or an admin (SQLSTATE 42501).
		if ((error as { code?: string }).code === '42501') return { problem: 'delivery.drill_refused' };
		throw error;
	}
	if ('errors' in saved) return { problem: Object.values(saved.errors)[0] ?? 'errors.required' };
	const issued = await warnings.submit(tx, saved.id);
	if (!issued.ok) return { problem: 'delivery.drill_refused' };
	const stored = await warnings.get(tx, saved.id);
	return { threadId: stored!.threadId };
}
