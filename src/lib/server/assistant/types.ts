/** The assistant's answer shape (POST /api/assistant) and its server-side conversation state. */
import type { Lang } from '../../i18n';
import type { Draft, PreparedPhotos } from '../reports/submit';
import type { Intent } from '../../assistant/classify';
import type { Link } from '../../assistant/replies';

export { INTENTS, type Intent } from '../../assistant/classify';
export type { Link } from '../../assistant/replies';

export type Answer = {
	intent: Intent;
	/** plain text, lines separated by \n */
	reply: string;
	links: Link[];
	/** short replies the resident can tap (category names, "skip", "confirm") */
	choices?: string[];
	/** set once a report is filed */
	ticket?: string;
};

export type Reply = Answer & { conversationId: string };

export const REPORT_STEPS = ['what', 'category', 'where', 'photo', 'phone', 'confirm'] as const;
export type ReportStep = (typeof REPORT_STEPS)[number];

/** The report being put together in a dialogue: the /report form's draft (no name asked), plus the dialogue's own state. */
export type ReportDraftState = Omit<Draft, 'name'> & {
	step: ReportStep;
	/** what the resident said about the place (also kept as the draft's address) */
	placeName: string;
	photos: PreparedPhotos;
	/** the step was answered (a photo or phone number may be skipped) */
	photoDone: boolean;
	phoneDone: boolean;
};

export type Turn = { from: 'resident' | 'assistant'; text: string; intent?: Intent; links?: Link[]; choices?: string[] };

export type ConversationState = {
	lang: Lang;
	report: ReportDraftState | null;
	/** a shelter question waiting for a place */
	pending: 'shelter' | null;
	/** the last turns, for the page without JavaScript */
	history: Turn[];
};

/** What one message brings. */
export type Message = {
	text: string;
	lang: Lang;
	lat: number | null;
	lon: number | null;
	/** re-encoded photo attached on the page (the other channels carry none) */
	photos: PreparedPhotos;
};

/** What the channel can do and what it must check before filing a report. */
export type Channel = {
	kind: 'web' | 'wechat';
	photos: boolean;
	/** null when a report may be filed now, else when to try again */
	reportLimit(): Date | null;
};
