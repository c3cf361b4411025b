/**
 * The assistant: one message in, one answer out, for the page, POST /api/assistant and
 * WeChat alike. Emergencies first; then an open report dialogue; then the intent of the
 * message. No external AI service: rules and retrieval over reviewed content and data.
 */
import type { Queryable } from '../db/port';
import { callBox, callFirst, guideAnswer, quakeAnswer, scenicAnswer, shelterAnswer, smalltalkAnswer, unknownAnswer, warningsAnswer, whereFrom } from './answers';
import { continueReport, startReport } from './dialogue';
import { asks, type Intent } from '$lib/assistant/classify';
import { understand } from '$lib/assistant/understand';
import { emergencyGuide, matchGuide, nearestGuide, type GuideMatch } from './guides';
import { findPlace, loadGazetteer, type KnownPlace } from './places';
import { emptyState, load, newConversationId, save } from './store';
import { normalize } from '$lib/assistant/text';
import type { Answer, Channel, ConversationState, Message, Reply, ReportStep, Turn } from './types';

export type { Answer, Channel, Message, Reply, Turn, Intent, Link } from './types';
export { INTENTS } from './types';

const HISTORY = 20;

export type Conversation = {
	/** the client's conversation id, if it sent one */
	id: string | null;
	/** WeChat: the id is derived from the user and kept even when new */
	fixedId?: boolean;
	message: Message;
	channel: Channel;
};

/** The answer, the turns so far (web only) and the report question now open, if any. */
export async function converse(tx: Queryable, c: Conversation): Promise<Reply & { history: Turn[]; step: ReportStep | null }> {
	const loaded = c.id ? await load(tx, c.id) : null;
	const id = loaded || c.fixedId ? c.id! : newConversationId();
	const state: ConversationState = loaded ? { ...loaded, lang: c.message.lang } : emptyState(c.message.lang);
	const { answer, next } = await respond(tx, c, state);
	const turns: Turn[] = [
		{ from: 'resident', text: c.message.text },
		{ from: 'assistant', text: answer.reply, intent: answer.intent, links: answer.links, ...(answer.choices ? { choices: answer.choices } : {}) }
	];
	const history = c.channel.kind === 'web' ? [...state.history, ...turns].slice(-HISTORY) : [];
	await save(tx, id, c.channel.kind, { ...next, history });
	return { conversationId: id, ...answer, history, step: next.report?.step ?? null };
}

async function respond(tx: Queryable, c: Conversation, state: ConversationState): Promise<{ answer: Answer; next: ConversationState }> {
	const { message } = c;
	const lang = message.lang;
	const text = normalize(message.text);
	const gazetteer = await loadGazetteer(tx);
	const ctx = { tx, lang, message, gazetteer, channel: c.channel };
	const place = findPlace(gazetteer, text);
	const guide = matchGuide(lang, text);
	let u = understand(text, { guide });
	// An answer to the assistant's own question (where? which number?) is not a new message:
	// only the rules' emergencies interrupt it, not the model's guess (a bare place name).
	const answering = (state.report && state.report.step !== 'what') || (state.pending === 'shelter' && (place !== null || message.lat !== null));
	if (answering && u.intent === 'emergency' && u.then) u = { intent: u.then, call: [], then: null, act: null };

	if (state.report) {
		const turned = await continueReport(ctx, state.report);
		const next = { ...state, report: turned.report, pending: null };
		if (u.intent !== 'emergency') return { answer: turned.answer, next };
		// Call first; the dialogue goes on below for when it is not happening now.
		return { answer: callFirst(lang, u.call, turned.answer, u.act), next };
	}
	// While the ground shakes: take cover first (the guide's words), then the numbers.
	if (u.intent === 'emergency' && u.act === 'earthquake') return { answer: quakeAnswer(lang, u.call), next: { ...state, pending: null } };
	if (u.intent === 'emergency') {
		// The guide of what is happening, never a search hit's other hazard (smoke in the stairwell: the fire guide, not the flood's "run uphill").
		const linked = u.steps ?? emergencyGuide(lang, text);
		const happening: GuideMatch | null = linked ? { slug: linked, by: 'topic' } : null;
		// The model's guess: the call box leads, then the question is answered as asked.
		if (!u.steps && u.then && u.then !== 'unknown' && u.then !== 'smalltalk') {
			const after = await answerFor(ctx, u.then, state, place, happening ?? guide, text);
			return { answer: callFirst(lang, u.call, after.answer, u.act), next: after.next };
		}
		return { answer: callBox(lang, u, text), next: { ...state, pending: null } };
	}

	let intent = u.intent;
	const located = message.lat !== null && message.lon !== null;
	// A place or position given after "where are you?" answers the shelter question.
	if (state.pending === 'shelter' && (place || located) && (intent === 'unknown' || intent === 'smalltalk' || intent === 'scenic')) intent = 'shelter';
	if (!text && located) intent = 'shelter';
	return answerFor(ctx, intent, state, place, guide, text);
}

async function answerFor(
	ctx: Parameters<typeof startReport>[0],
	intent: Exclude<Intent, 'emergency'>,
	state: ConversationState,
	place: KnownPlace | null,
	guide: GuideMatch | null,
	text: string
): Promise<{ answer: Answer; next: ConversationState }> {
	const { tx, lang, message } = ctx;
	const next: ConversationState = { ...state, pending: null };
	switch (intent) {
		case 'report': {
			const turned = await startReport(ctx);
			return { answer: turned.answer, next: { ...next, report: turned.report } };
		}
		case 'shelter': {
			const where = whereFrom(lang, message.lat, message.lon, place);
			return { answer: await shelterAnswer(tx, lang, where, text), next: { ...next, pending: where ? null : 'shelter' } };
		}
		case 'warnings': {
			const listed = await warningsAnswer(tx, lang, place, message.lat, message.lon, text);
			// "要不要走", "is it safe to hike": the warnings, then the advice of the guide the question is about.
			if (!guide || !asks(text)) return { answer: listed, next };
			const advice = guideAnswer(lang, guide, text);
			return { answer: { ...listed, reply: `${listed.reply}\n\n${advice.reply}`, links: [...listed.links, ...advice.links] }, next };
		}
		case 'scenic':
			return { answer: await scenicAnswer(tx, lang, place), next };
		case 'guide': {
			// Only ever a guide's own words: with no guide near the question, it is not answered.
			const found = guide ?? nearestGuide(lang, text);
			return { answer: found ? guideAnswer(lang, found, text) : unknownAnswer(lang, message.text), next };
		}
		case 'smalltalk':
			return { answer: smalltalkAnswer(lang, text), next };
		default:
			return { answer: unknownAnswer(lang, message.text), next };
	}
}
