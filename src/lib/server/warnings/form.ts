/**
 * The console's compose form → a WarningInput, with errors (i18n keys) at the fields.
 * Times are typed in Beijing time (datetime-local, UTC+8).
 */
import { isHazardCode, isWarningLevel } from '../../hazards';
import { messagesFor } from '../i18n';
import { fromBeijingInput, toBeijingInput } from '../../time';
import {
	CERTAINTIES,
	parsePolygonText,
	RESPONSE_TYPES,
	URGENCIES,
	VILLAGE_CODE,
	TOWN_CODE,
	type AreaSpec,
	type FieldErrors,
	type LatLon,
	type WarningInput
} from './model';
import type { Stored } from './store';

export const TEXT_FIELDS = ['headline', 'description', 'instruction', 'sender_name', 'area_desc'] as const;
export const LANGS = [
	['zh', 'zh-CN'],
	['en', 'en']
] as const;

export type ComposeValues = Record<string, string | string[]>;


function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
	return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function parseCompose(
	form: FormData,
	seats: Map<string, LatLon>
): { input: WarningInput | null; values: ComposeValues; errors: FieldErrors } {
	const text = (name: string) => String(form.get(name) ?? '').trim();
	const values: ComposeValues = {};
	for (const [key, value] of form.entries()) if (typeof value === 'string' && key !== 'towns') values[key] = value;
	values.towns = form.getAll('towns').map(String);
	const errors: FieldErrors = {};

	const hazard = text('hazard');
	const level = text('level');
	if (!isHazardCode(hazard)) errors.hazard = 'errors.required';
	if (!isWarningLevel(level)) errors.level = 'errors.required';
	const status = oneOf(text('status'), ['Actual', 'Exercise', 'Test'] as const, 'Actual');
	const effective = text('effective') ? fromBeijingInput(text('effective')) : new Date();
	if (!effective) errors.effective = 'warnings.err_time';
	const expires = fromBeijingInput(text('expires'));
	if (!expires) errors.expires = text('expires') ? 'warnings.err_time' : 'errors.required';

	const areas: AreaSpec[] = [];
	for (const code of values.towns as string[]) {
		if (TOWN_CODE.test(code)) areas.push({ kind: 'geocode', code });
	}
	for (const code of text('villages').split(/[\s,，、]+/).filter(Boolean)) {
		if (!VILLAGE_CODE.test(code)) errors.area = 'warnings.err_geocode_format';
		areas.push({ kind: 'geocode', code });
	}
	if (text('circle_radius')) {
		const radiusKm = Number(text('circle_radius'));
		const typed = text('circle_point').match(/^(-?\d+(?:\.\d+)?)\s*[,，]\s*(-?\d+(?:\.\d+)?)$/);
		const centre: LatLon | undefined = typed ? [Number(typed[1]), Number(typed[2])] : seats.get(text('circle_town'));
		if (!centre) errors.area = 'warnings.err_circle_centre';
		else areas.push({ kind: 'circle', centre, radiusKm });
	}
	if (text('polygon')) {
		const parsed = parsePolygonText(text('polygon'));
		if ('error' in parsed) errors.area = parsed.error;
		else for (const points of parsed.polygons) areas.push({ kind: 'polygon', points });
	}
	if (!areas.length && !errors.area) errors.area = 'warnings.err_area_required';

	const infos = LANGS.map(([suffix, lang]) => {
		for (const field of TEXT_FIELDS) {
			if (field !== 'area_desc' && !text(`${field}_${suffix}`)) errors[`${field}_${suffix}`] = 'errors.required';
		}
		const names = messagesFor(lang).hazards as Record<string, string>;
		return {
			lang,
			event: isHazardCode(hazard) ? names[hazard]! : hazard,
			headline: text(`headline_${suffix}`),
			description: text(`description_${suffix}`),
			instruction: text(`instruction_${suffix}`),
			senderName: text(`sender_name_${suffix}`),
			areaDesc: text(`area_desc_${suffix}`)
		};
	});
	const web = text('web') || null;
	if (web && !/^https?:\/\/\S+$/.test(web)) errors.web = 'warnings.err_web';

	if (Object.keys(errors).length || !isHazardCode(hazard) || !isWarningLevel(level) || !effective || !expires) {
		return { input: null, values, errors };
	}
	return {
		input: {
			status,
			hazard,
			level,
			urgency: oneOf(text('urgency'), URGENCIES, 'Expected'),
			certainty: oneOf(text('certainty'), CERTAINTIES, 'Likely'),
			responseType: oneOf(text('response_type'), RESPONSE_TYPES, 'Prepare'),
			effective,
			onset: null,
			expires,
			web,
			contact: text('contact') || null,
			parameters: [],
			areas,
			infos
		},
		values,
		errors
	};
}

/** The form's values for a message being updated (everything but the times of a new message). */
export function valuesOf(w: Stored): ComposeValues {
	const values: ComposeValues = {
		status: w.status,
		hazard: w.hazard,
		level: w.level,
		urgency: w.urgency,
		certainty: w.certainty,
		response_type: w.responseType,
		effective: '',
		expires: toBeijingInput(w.expires),
		contact: w.contact ?? '',
		web: w.web ?? '',
		towns: w.areas.flatMap((a) => (a.kind === 'geocode' && TOWN_CODE.test(a.code) ? [a.code] : [])),
		villages: w.areas.flatMap((a) => (a.kind === 'geocode' && VILLAGE_CODE.test(a.code) ? [a.code] : [])).join(' '),
		polygon: w.areas
			.flatMap((a) => (a.kind === 'polygon' ? [a.points.map(([lat, lon]) => `${lat},${lon}`).join(' ')] : []))
			.join('\n\n')
	};
	const circle = w.areas.find((a) => a.kind === 'circle');
	if (circle?.kind === 'circle') {
		values.circle_point = `${circle.centre[0]},${circle.centre[1]}`;
		values.circle_radius = String(circle.radiusKm);
	}
	for (const [suffix, lang] of LANGS) {
		const info = w.infos.find((i) => i.lang === lang);
		if (!info) continue;
		values[`headline_${suffix}`] = info.headline;
		values[`description_${suffix}`] = info.description;
		values[`instruction_${suffix}`] = info.instruction;
		values[`sender_name_${suffix}`] = info.senderName;
		values[`area_desc_${suffix}`] = info.areaDesc;
	}
	return values;
}
