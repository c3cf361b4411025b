/**
 * CAP documents against the database: import (idempotent on sender + identifier; an
 * Update or Cancel applies to the message it references) and export of stored messages.
 */
import type { Queryable } from '../db/port';
import { messagesFor } from '../i18n';
import { CapError, parseCap, toCap, type CapReference } from './cap';
import { capTime } from './model';
import { saveDraft, type Stored } from './store';

export type Imported = { id: string; threadId: string; created: boolean; state: string };

// Where each console field lives in a CAP document, to name it in an import error.
const ELEMENT: Record<string, string> = {
	area: 'alert/info[1]/area',
	expires: 'alert/info[1]/expires',
	effective: 'alert/info[1]/effective',
	web: 'alert/info[1]/web',
	contact: 'alert/info[1]/contact',
	references: 'alert/references'
};
const INFO_FIELD: Record<string, string> = { sender_name: 'senderName', area_desc: 'areaDesc' };

/** The element of a console field: `headline_zh` is the headline of the Chinese <info>. */
function elementOf(field: string): string {
	const m = field.match(/^(\w+)_(zh|en)$/);
	if (m) return `alert/info/${INFO_FIELD[m[1]!] ?? m[1]}`;
	return ELEMENT[field] ?? 'alert';
}

function english(key: string): string {
	const [group, name] = key.split('.');
	const words = (messagesFor('en')[group!] as Record<string, string> | undefined)?.[name!];
	return typeof words === 'string' ? words.replace(/\{\{\w+\}\}/g, '…') : key;
}

/** Imports one CAP 1.2 alert as the caller (an API key with role warning_issuer). */
export async function importCap(tx: Queryable, xml: string): Promise<Imported> {
	const alert = parseCap(xml);
	const [existing] = await tx.query<{ id: string; thread_id: string; state: string }>(
		'select id, thread_id, state from public.warnings where sender = $1 and identifier = $2',
		[alert.sender, alert.identifier]
	);
	if (existing) return { id: existing.id, threadId: existing.thread_id, created: false, state: existing.state };

	let referencesId: string | null = null;
	if (alert.msgType !== 'Alert') {
		const found = await tx.query<{ id: string; state: string }>(
			`select id, state from public.warnings where (sender, identifier) in (select * from unnest($1::text[], $2::text[]))
			  order by (state = 'issued') desc, sent desc nulls last`,
			[alert.references.map((r) => r.sender), alert.references.map((r) => r.identifier)]
		);
		if (!found.length) throw new CapError('alert/references', 'references no warning known here');
		if (found[0]!.state !== 'issued') throw new CapError('alert/references', 'the warning it references is no longer in force');
		referencesId = found[0]!.id;
	}
	const saved = await saveDraft(tx, alert.warning, {
		identifier: alert.identifier,
		sender: alert.sender,
		sent: alert.sent,
		msgType: alert.msgType,
		referencesId,
		source: 'cap',
		note: alert.note ?? null
	});
	if ('errors' in saved) {
		const [field, key] = Object.entries(saved.errors)[0]!;
		throw new CapError(elementOf(field), english(key));
	}
	try {
		// An upstream platform approved it already; the guard lets API keys issue at once.
		const [row] = await tx.query<{ thread_id: string; state: string }>(
			`update public.warnings set state = 'issued' where id = $1 returning thread_id, state`,
			[saved.id]
		);
		return { id: saved.id, threadId: row!.thread_id, created: true, state: row!.state };
	} catch (error) {
		const e = error as { code?: string; message?: string };
		if (e.code === '22023' || e.code === '42501') {
			const [element, ...rest] = (e.message ?? '').split(': ');
			throw rest.length && element && !element.includes(' ')
				? new CapError(element === 'expires' ? 'alert/info[1]/expires' : `alert/${element}`, rest.join(': '))
				: new CapError('alert', e.message ?? 'refused');
		}
		throw error;
	}
}

/** The messages before this one in its thread, as CAP references. */
async function referencesOf(tx: Queryable, message: Stored): Promise<CapReference[]> {
	if (!message.referencesId) return [];
	const rows = await tx.query<{ sender: string; identifier: string; sent: Date }>(
		`select sender, identifier, sent from public.warnings
		  where thread_id = $1 and id <> $2 and sent is not null and sent <= $3 and state in ('superseded', 'cancelled', 'issued')
		  order by sent`,
		[message.threadId, message.id, message.sent ?? new Date()]
	);
	return rows.map((r) => ({ sender: r.sender, identifier: r.identifier, sent: capTime(r.sent) }));
}

export async function exportCap(tx: Queryable, message: Stored, origin: string): Promise<string> {
	return toCap({
		identifier: message.identifier,
		sender: message.sender,
		sent: message.sent ?? new Date(),
		status: message.status,
		msgType: message.msgType,
		references: await referencesOf(tx, message),
		note: message.note,
		warning: message,
		web: `${origin}/warnings/${message.threadId}`
	});
}

/** A message that went out, by its CAP identifier (ours first when two senders share one). */
export async function findByIdentifier(tx: Queryable, identifier: string): Promise<string | null> {
	const [row] = await tx.query<{ id: string }>(
		`select id from public.warnings where identifier = $1 and state in ('issued', 'superseded', 'cancelled')
		  order by source = 'console' desc limit 1`,
		[identifier]
	);
	return row?.id ?? null;
}
