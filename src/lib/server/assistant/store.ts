/**
 * Conversation state lives in the database (app_private.assistant_conversations),
 * reached only through two security definer functions and only with the
 * conversation's token: one caller cannot read another's conversation.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Lang } from '$lib/i18n';
import type { Queryable } from '../db/port';
import type { ConversationState } from './types';

/** A half-finished report is forgotten after this long without a message. */
export const EXPIRY_MINUTES = 30;
const TOKEN = /^[A-Za-z0-9_-]{32,128}$/;

export function newConversationId(): string {
	return randomBytes(24).toString('base64url');
}

export function isConversationId(value: unknown): value is string {
	return typeof value === 'string' && TOKEN.test(value);
}

/** A WeChat user's conversation: derived from their OpenID with the account's secret token, so it cannot be guessed. */
export function wechatConversationId(secret: string, openId: string): string {
	return createHmac('sha256', secret).update(`wechat:${openId}`).digest('base64url');
}

export function emptyState(lang: Lang): ConversationState {
	return { lang, report: null, pending: null, history: [] };
}

export async function load(tx: Queryable, id: string): Promise<ConversationState | null> {
	if (!isConversationId(id)) return null;
	const [row] = await tx.query<{ state: ConversationState | null }>('select public.assistant_load($1) as state', [id]);
	return row?.state ?? null;
}

export async function save(tx: Queryable, id: string, channel: 'web' | 'wechat', state: ConversationState): Promise<void> {
	await tx.query('select public.assistant_save($1, $2, $3::jsonb, $4)', [id, channel, JSON.stringify(state), EXPIRY_MINUTES]);
}

/** The turns kept for the page (so a refused message still shows the conversation so far). */
export async function history(tx: Queryable, id: string | null): Promise<ConversationState['history']> {
	return id ? ((await load(tx, id))?.history ?? []) : [];
}
