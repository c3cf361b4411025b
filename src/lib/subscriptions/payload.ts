/**
 * What the server puts in a Web Push message and the service worker reads: one
 * definition for both sides (the server builds it in $lib/server/messaging, the worker
 * shows it in $lib/sw/push.ts).
 */
import type { CapMsgType, CapStatus, HazardCode, WarningLevel } from '../db-types.gen';
import type { Lang } from '../i18n';

export type PushPayload = {
	v: 1;
	/** the warning's public id: the notification tag, so an Update replaces and a Cancel closes */
	id: string;
	/** this message and this recipient, for the delivered/shown receipts */
	w: string;
	s: string;
	type: CapMsgType;
	status: CapStatus;
	level: WarningLevel;
	hazard: HazardCode;
	lang: Lang;
	title: string;
	body: string;
	url: string;
	expires: string;
	area: number[][][][] | null;
};

/** A followed report moved; the tracking link (with its token) is on the phone only. */
export type ReportPayload = {
	v: 1;
	type: 'report';
	/** `report-<ticket>`: the notification tag, so the latest step replaces the previous */
	id: string;
	ticket: string;
	lang: Lang;
	title: string;
	body: string;
	/** without the token: the worker swaps in the tracking link the phone kept */
	url: string;
	s: string;
};
