/**
 * The report dialogue, one question at a time like a 12345 operator: what is happening,
 * (which kind, when the words do not say), where, a photo (where the channel carries
 * one), a call-back number, then a summary to confirm. Any answer can be corrected
 * from the summary, and "cancel" ends it with nothing filed. Filing goes through the
 * one verb every report channel uses (fileReport).
 */
import { ReportCategoryValues, type ReportCategory } from '$lib/db-types.gen';
import type { Lang } from '$lib/i18n';
import type { Queryable } from '../db/port';
import { draftFields, fileReport } from '../reports/file';
import { clock } from '../reports/limits';
import { freshIds, type DraftErrors } from '../reports/submit';
import { placeName, translator } from './answers';
import { findPlace, townAt, type Gazetteer } from './places';
import { categoryIn } from '$lib/assistant/classify';
import { any, found, isOnly, normalize } from '$lib/assistant/text';
import type { Answer, Channel, Message, ReportDraftState, ReportStep } from './types';
import words from '$lib/assistant/words.json';

const PHONE = /(?:\+?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4}|0\d{2,3}[ -]?\d{7,8})/;

export function newReport(): ReportDraftState {
	const { key, token } = freshIds();
	return {
		step: 'what', key, token, category: '', description: '', town: '', village: '', address: '', placeName: '',
		lat: null, lon: null, phone: '', photos: [], photoDone: false, phoneDone: false
	};
}

/** What the resident said after "I want to report": the description, if there is one. */
export function afterCue(raw: string): string {
	let rest = raw;
	for (const cue of [...words.report].sort((a, b) => b.length - a.length)) {
		const at = rest.toLowerCase().indexOf(cue);
		if (at < 0) continue;
		// "I want to report a fallen tree": the lead-in goes with the cue, no word is left hanging.
		let before = rest.slice(0, at).replace(/\s+$/, '');
		const lead = [...words.report_lead].sort((a, b) => b.length - a.length).find((l) => before.toLowerCase().endsWith(l) && !/[a-z]/.test(before.slice(-l.length - 1, -l.length).toLowerCase()));
		if (lead) before = before.slice(0, before.length - lead.length);
		rest = [before.trimEnd(), rest.slice(at + cue.length).trimStart()].filter(Boolean).join(' ');
	}
	rest = rest.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
	const filler = words.filler_after_cue.find((w) => rest.toLowerCase().startsWith(/^[a-z]/.test(w) ? `${w} ` : w));
	return filler ? rest.slice(filler.length).trim() : rest;
}

export type Turned = { answer: Answer; report: ReportDraftState | null };

type Ctx = { tx: Queryable; lang: Lang; message: Message; gazetteer: Gazetteer; channel: Channel };

/** The first reply of a new dialogue; the opening message may already say what (and where). */
export async function startReport(ctx: Ctx): Promise<Turned> {
	const report = newReport();
	const said = afterCue(ctx.message.text);
	if ([...said].length >= 5) return continueReport(ctx, report, said);
	return ask(ctx.lang, report, ctx.channel);
}

/** A message while the dialogue is open. `text` is the raw message. */
export async function continueReport(ctx: Ctx, report: ReportDraftState, text = ctx.message.text): Promise<Turned> {
	const t = translator(ctx.lang);
	const n = normalize(text);
	if (isOnly(n, words.cancel) || (any(n, words.cancel) && [...n].length <= 12)) {
		return { answer: { intent: 'report', reply: t('assistant.report.cancelled'), links: [] }, report: null };
	}
	const r = { ...report };
	// "change the place" at any step goes back to that question (or takes the new answer at once).
	const field = fieldNamed(n);
	if (field && r.step !== 'what' && (any(n, words.no) || r.step === 'confirm')) {
		r.step = field;
		if (!placeOrPhoneGiven(ctx, n)) return ask(ctx.lang, r, ctx.channel);
	}
	switch (r.step) {
		case 'what': {
			if ([...text.trim()].length < 5) return ask(ctx.lang, r, ctx.channel, 'assistant.report.what_more');
			r.description = text.trim().slice(0, 2000);
			r.category ||= categoryIn(n);
			// The description may already say where.
			if (!r.town) await takePlace(ctx, r, n, text, false);
			break;
		}
		case 'category': {
			const choice = chosenCategory(ctx.lang, n);
			if (!choice) return ask(ctx.lang, r, ctx.channel, 'assistant.report.category_again');
			r.category = choice;
			break;
		}
		case 'where': {
			if (!(await takePlace(ctx, r, n, text, true))) return ask(ctx.lang, r, ctx.channel, 'assistant.report.where_again');
			break;
		}
		case 'photo': {
			if (ctx.message.photos.length) r.photos = ctx.message.photos.slice(0, 1);
			else if (!isOnly(n, words.skip) && !any(n, words.skip)) return ask(ctx.lang, r, ctx.channel, 'assistant.report.photo_again');
			r.photoDone = true;
			break;
		}
		case 'phone': {
			const phone = n.match(PHONE)?.[0];
			if (phone) r.phone = phone.replace(/[ -]/g, '');
			else if (!isOnly(n, words.skip) && !any(n, words.skip)) return ask(ctx.lang, r, ctx.channel, 'assistant.report.phone_again');
			else r.phone = '';
			r.phoneDone = true;
			break;
		}
		case 'confirm': {
			if (isOnly(n, words.yes)) return file(ctx, r);
			// A new place or number given straight away ("no, it's in 溪翁庄村").
			if (await takePlace(ctx, r, n, text, true)) break;
			const phone = n.match(PHONE)?.[0];
			if (phone) {
				r.phone = phone.replace(/[ -]/g, '');
				break;
			}
			return ask(ctx.lang, r, ctx.channel, any(n, words.no) ? 'assistant.report.which_change' : 'assistant.report.confirm_again');
		}
	}
	r.step = nextStep(r, ctx.channel);
	return ask(ctx.lang, r, ctx.channel);
}

function fieldNamed(n: string): ReportStep | null {
	const f = words.fields;
	if (any(n, f.where)) return 'where';
	if (any(n, f.phone)) return 'phone';
	if (any(n, f.photo)) return 'photo';
	if (any(n, f.description)) return 'what';
	return null;
}

function placeOrPhoneGiven(ctx: Ctx, n: string): boolean {
	return Boolean(findPlace(ctx.gazetteer, n)) || PHONE.test(n);
}

function nextStep(r: ReportDraftState, channel: Channel): ReportStep {
	if (!r.description) return 'what';
	if (!r.category) return 'category';
	if (!r.town) return 'where';
	if (channel.photos && !r.photoDone) return 'photo';
	if (!r.phoneDone) return 'phone';
	return 'confirm';
}

/** Takes the place from the message (a village, township or scenic area named, or the device's position). */
async function takePlace(ctx: Ctx, r: ReportDraftState, n: string, raw: string, useRawAsAddress: boolean): Promise<boolean> {
	const place = findPlace(ctx.gazetteer, n);
	const { lat, lon } = ctx.message;
	if (!place && (lat === null || lon === null)) return false;
	r.village = place?.kind === 'village' ? place.id : '';
	r.town = place?.town_code ?? (lat !== null && lon !== null ? ((await townAt(ctx.tx, lat, lon)) ?? '') : '');
	r.placeName = place ? placeName(place, ctx.lang) : translator(ctx.lang)('assistant.reply.your_location');
	r.lat = place ? null : lat;
	r.lon = place ? null : lon;
	r.address = useRawAsAddress ? raw.trim().slice(0, 200) : place ? placeName(place, ctx.lang) : '';
	return Boolean(r.town);
}

function categoryNames(lang: Lang): { value: ReportCategory; name: string }[] {
	const t = translator(lang);
	return ReportCategoryValues.map((value) => ({ value, name: t(`reports.categories.${value}`) }));
}

function chosenCategory(lang: Lang, n: string): ReportCategory | '' {
	const names = categoryNames(lang);
	const number = Number(n.match(/^\d{1,2}/)?.[0]);
	if (number >= 1 && number <= names.length) return names[number - 1]!.value;
	const exact = names.find((c) => normalize(c.name) === n);
	return exact?.value ?? categoryIn(n);
}

function summary(lang: Lang, r: ReportDraftState): string {
	const t = translator(lang);
	const none = t('assistant.report.none');
	return [
		t('assistant.report.summary_head'),
		t('assistant.report.summary_what', { value: r.description }),
		t('assistant.report.summary_category', { value: r.category ? t(`reports.categories.${r.category}`) : none }),
		t('assistant.report.summary_where', { value: r.address || r.placeName }),
		t('assistant.report.summary_photo', { value: r.photos.length ? t('assistant.report.photo_attached') : none }),
		t('assistant.report.summary_phone', { value: r.phone || none }),
		t('assistant.report.confirm')
	].join('\n');
}

function ask(lang: Lang, r: ReportDraftState, channel: Channel, lead?: string): Turned {
	const t = translator(lang);
	const before = lead ? [t(lead)] : [];
	const q = (key: string, choices?: string[]): Turned => ({
		answer: { intent: 'report', reply: [...before, t(key)].join('\n'), links: [], ...(choices ? { choices } : {}) },
		report: r
	});
	const skip = t('assistant.report.skip');
	const cancel = t('assistant.report.cancel_word');
	switch (r.step) {
		case 'what':
			return q('assistant.report.ask_what', [cancel]);
		case 'category':
			return {
				answer: {
					intent: 'report',
					reply: [...before, t('assistant.report.ask_category'), ...categoryNames(lang).map((c, i) => `${i + 1}. ${c.name}`)].join('\n'),
					links: [],
					choices: categoryNames(lang).map((c) => c.name)
				},
				report: r
			};
		case 'where':
			return q(channel.kind === 'wechat' ? 'assistant.report.ask_where_wechat' : 'assistant.report.ask_where', [cancel]);
		case 'photo':
			return q('assistant.report.ask_photo', [skip, cancel]);
		case 'phone':
			return q('assistant.report.ask_phone', [skip, cancel]);
		case 'confirm':
			return {
				answer: { intent: 'report', reply: [...before, summary(lang, r)].join('\n'), links: [], choices: [t('assistant.report.yes_word'), t('assistant.report.change_word'), cancel] },
				report: r
			};
	}
}

const FIELD_STEP: Partial<Record<keyof DraftErrors, ReportStep>> = {
	description: 'what', category: 'category', town: 'where', village: 'where', address: 'where', location: 'where', phone: 'phone', photos: 'photo'
};

/** Files the report through fileReport, as the form does. */
async function file(ctx: Ctx, r: ReportDraftState): Promise<Turned> {
	const t = translator(ctx.lang);
	const fields = draftFields({
		key: r.key, token: r.token, category: r.category, description: r.description, town: r.town, village: r.village,
		address: r.address, lat: r.lat, lon: r.lon, phone: r.phone
	});
	const caller = { db: <T>(work: (tx: Queryable) => Promise<T>) => work(ctx.tx), limit: ctx.channel.reportLimit };
	const outcome = await fileReport(caller, { fields, prepared: r.photos }, 'assistant');
	switch (outcome.kind) {
		case 'invalid': {
			const [field, key] = Object.entries(outcome.errors)[0] as [keyof DraftErrors, string];
			return ask(ctx.lang, { ...r, step: FIELD_STEP[field] ?? 'what' }, ctx.channel, key);
		}
		case 'limited':
			return { answer: { intent: 'report', reply: t('assistant.report.limited', { time: clock(outcome.retryAt) }), links: [] }, report: r };
		case 'emergency':
		case 'nearby':
			throw new Error(`the assistant channel does not stop for ${outcome.kind}`);
		case 'filed': {
			const { ticket, token } = outcome.filed;
			return {
				answer: {
					intent: 'report',
					reply: t('assistant.report.filed', { ticket }),
					links: [{ href: `/report/${ticket}?t=${token}`, title: t('assistant.report.track', { ticket }) }],
					ticket
				},
				report: null
			};
		}
	}
}
