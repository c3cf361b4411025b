/**
 * The public shape of a warning: the message's facts and its text in the visitor's
 * language (the page gets only what it shows).
 */
import type { Lang } from '../../i18n';
import { infoFor } from '../../warnings';
import type { Queryable } from '../db/port';
import { areaGeoJson, type Stored } from './store';

export type PublicWarning = {
	id: string;
	threadId: string;
	identifier: string;
	status: Stored['status'];
	msgType: Stored['msgType'];
	hazard: Stored['hazard'];
	level: Stored['level'];
	state: Stored['state'];
	inForce: boolean;
	sent: Date | null;
	effective: Date;
	onset: Date | null;
	expires: Date;
	endedAt: Date | null;
	web: string | null;
	contact: string | null;
	info: Stored['infos'][number];
};

export function toPublic(w: Stored, lang: Lang): PublicWarning {
	return {
		id: w.id,
		threadId: w.threadId,
		identifier: w.identifier,
		status: w.status,
		msgType: w.msgType,
		hazard: w.hazard,
		level: w.level,
		state: w.state,
		inForce: w.inForce,
		sent: w.sent,
		effective: w.effective,
		onset: w.onset,
		expires: w.expires,
		endedAt: w.endedAt,
		web: w.web,
		contact: w.contact,
		info: infoFor(w.infos, lang)!
	};
}

/** With the area as GeoJSON, for the map and "am I in it?". */
export async function withArea(tx: Queryable, w: Stored, lang: Lang): Promise<PublicWarning & { geojson: string | null }> {
	return { ...toPublic(w, lang), geojson: await areaGeoJson(tx, w.id) };
}
