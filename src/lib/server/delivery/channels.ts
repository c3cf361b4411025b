/**
 * One interface for every way a warning reaches a person (FixMyStreet's SendReport
 * shape): a channel takes a batch of recipients of one warning message and says what
 * happened to each. Web Push and SMS are the two; WeChat template messages or a
 * cell-broadcast gateway would be a third module, nothing else changes.
 */
import type { DeliveryChannel } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { endpointProblem, type PushAllowlist } from './allowlist';
import type { EncryptPool } from './encrypt-pool';
import { pushPayloads, smsText, type DeliveryWarning, type MessagesFor } from './message';
import { retryAt, type Outcome, type Recipient } from './queue';
import type { PushResponse, PushTransport } from './transport';
import type { VapidSigner } from './vapid';

export interface Channel {
	readonly channel: DeliveryChannel;
	send(warning: DeliveryWarning, recipients: Recipient[]): Promise<Outcome[]>;
}

const MAX_ATTEMPTS = 8;
const ENCRYPT_CHUNK = 50;

/** What becomes of one message: its new state, and for a retry, when. */
export type Verdict = { state: Outcome['state']; nextAt?: Date; error?: string };

function retryVerdict(attempts: number, deadline: Date, retryAfter: number | null, error: string): Verdict {
	if (attempts >= MAX_ATTEMPTS) return { state: 'failed', error };
	const nextAt = retryAt(attempts, retryAfter, deadline);
	return nextAt ? { state: 'queued', nextAt, error } : { state: 'expired', error };
}

/** Urgency (RFC 8030 §5.3): high wakes a sleeping phone at once. */
export function urgencyOf(w: Pick<DeliveryWarning, 'level' | 'hazard' | 'msgType'>): 'high' | 'normal' {
	return w.level === 'orange' || w.level === 'red' || w.hazard === 'earthquake' ? 'high' : 'normal';
}

/** Topic (RFC 8030 §5.4): an Update or Cancel replaces the message the phone has not fetched yet. */
export function topicOf(threadId: string): string {
	return threadId.replace(/-/g, '');
}

export type PushParts = {
	transport: PushTransport;
	signer: VapidSigner;
	pool: EncryptPool;
	allow: PushAllowlist;
	messages: MessagesFor;
	now?: () => number;
};

export type PushItem = { endpoint: string; p256dh: string; auth: string; payload: string };

/**
 * Encrypts each payload for its subscriber and posts it; the push service's answer per
 * item (status 0: no answer; a key that cannot be used: status 0 with the reason).
 * Encrypted in small chunks, each posted as soon as it is ready: the first requests
 * leave after a few milliseconds, not after the whole batch.
 */
export async function postPushes(
	parts: PushParts,
	items: PushItem[],
	headers: { ttl: number; urgency: 'high' | 'normal'; topic?: string }
): Promise<PushResponse[]> {
	const common: Record<string, string> = {
		ttl: String(headers.ttl),
		urgency: headers.urgency,
		'content-encoding': 'aes128gcm',
		'content-type': 'application/octet-stream',
		...(headers.topic ? { topic: headers.topic } : {})
	};
	const answers: PushResponse[] = new Array(items.length);
	const chunks: number[][] = [];
	for (let k = 0; k < items.length; k += ENCRYPT_CHUNK) chunks.push(items.slice(k, k + ENCRYPT_CHUNK).map((_, j) => k + j));
	await Promise.all(
		chunks.map(async (chunk) => {
			const bodies = await parts.pool.encrypt(chunk.map((i) => items[i]!));
			await Promise.all(
				chunk.map(async (i, k) => {
					const item = items[i]!;
					const body = bodies[k]!;
					if (!(body instanceof Uint8Array)) {
						answers[i] = { status: 0, retryAfter: null, error: `keys: ${body.error}`, unusable: true };
						return;
					}
					const origin = new URL(item.endpoint).origin;
					answers[i] = await parts.transport.send({ endpoint: item.endpoint, headers: { ...common, authorization: parts.signer.authorization(origin) }, body });
				})
			);
		})
	);
	return answers;
}

export function pushChannel(parts: PushParts): Channel {
	const now = parts.now ?? Date.now;
	return {
		channel: 'push',
		async send(w, recipients) {
			const payloads = pushPayloads(w, parts.messages);
			const ttl = Math.max(0, Math.floor((w.deadline.getTime() - now()) / 1000));
			const outcomes: Outcome[] = new Array(recipients.length);
			const ready: number[] = [];
			recipients.forEach((r, i) => {
				const done = (state: Outcome['state'], error?: string): Outcome => ({ warningId: r.warningId, subscriptionId: r.subscriptionId, state, error });
				if (!r.endpoint || !r.p256dh || !r.auth || !r.lang) outcomes[i] = done('gone', 'subscription deleted');
				else if (ttl === 0) outcomes[i] = done('expired');
				else {
					const problem = endpointProblem(r.endpoint, parts.allow);
					if (problem) outcomes[i] = done('failed', `endpoint ${problem}`);
					else ready.push(i);
				}
			});
			const answers = await postPushes(
				parts,
				ready.map((i) => {
					const r = recipients[i]!;
					return { endpoint: r.endpoint!, p256dh: r.p256dh!, auth: r.auth!, payload: payloads[r.lang!](r.subscriptionId) };
				}),
				{ ttl, urgency: urgencyOf(w), topic: topicOf(w.threadId) }
			);
			ready.forEach((i, k) => {
				const r = recipients[i]!;
				const answer = answers[k]!;
				outcomes[i] = answer.unusable
					? { warningId: r.warningId, subscriptionId: r.subscriptionId, state: 'failed', error: answer.error }
					: pushOutcome(r, answer.status, answer.retryAfter, answer.error);
			});
			return outcomes;
		}
	};
}

/** What a push service's answer means for a message (RFC 8030 §5, §6.2). */
export function pushVerdict(attempts: number, deadline: Date, status: number, retryAfter: number | null, error?: string): Verdict {
	if (status >= 200 && status < 300) return { state: 'sent' };
	if (status === 404 || status === 410) return { state: 'gone', error: `push service: ${status}` };
	if (status === 0 || status === 429 || status >= 500) return retryVerdict(attempts, deadline, retryAfter, error ?? `push service: ${status}`);
	return { state: 'failed', error: `push service: ${status}` };
}

export function pushOutcome(r: Recipient, status: number, retryAfter: number | null, error?: string): Outcome {
	return { warningId: r.warningId, subscriptionId: r.subscriptionId, ...pushVerdict(r.attempts, r.deadline, status, retryAfter, error) };
}

/** What a text is about, so a text kept for later is never sent once it is stale. */
export type SmsAbout = { warningId?: string; validUntil?: Date };

/** Sends one text to one number; throws on a failure worth retrying. */
export interface SmsGateway {
	deliver(phone: string, text: string, about?: SmsAbout): Promise<void>;
}

/**
 * Without a gateway, texts are kept in the console's outbox (admins read them), with
 * their validity: a warning text only while its warning is in force.
 */
export const outboxGateway = (db: { transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> }): SmsGateway => ({
	async deliver(phone, text, about = {}) {
		await db.transaction((tx) =>
			tx.query(
				`insert into public.outbox_messages (channel, recipient, template, params, expires_at, warning_id)
				 values ('sms', $1, 'text', $2, coalesce($3::timestamptz, now() + interval '1 day'), $4)`,
				[phone, JSON.stringify({ text }), about.validUntil ?? null, about.warningId ?? null]
			)
		);
	}
});

/**
 * A provider's HTTP API: POST {to, text} with a bearer token, 2xx = accepted. Operators
 * put a small adapter in front of their provider (Aliyun, Tencent Cloud, a carrier's
 * gateway) when its API differs; the URL is the operator's setting, never user input.
 */
export function httpGateway(url: string, token: string): SmsGateway {
	return {
		async deliver(phone, text) {
			const response = await fetch(url, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ to: `+86${phone}`, text }),
				redirect: 'error',
				signal: AbortSignal.timeout(10_000)
			});
			if (!response.ok) throw Object.assign(new Error(`SMS gateway: ${response.status}`), { status: response.status, retryAfter: response.headers.get('retry-after') });
		}
	};
}

export function smsChannel(gateway: SmsGateway, origin: string, messages: MessagesFor): Channel {
	return {
		channel: 'sms',
		async send(w, recipients) {
			const texts = { 'zh-CN': smsText(w, 'zh-CN', origin, messages), en: smsText(w, 'en', origin, messages) };
			return Promise.all(
				recipients.map(async (r): Promise<Outcome> => {
					const id = { warningId: r.warningId, subscriptionId: r.subscriptionId };
					if (!r.phone || !r.lang) return { ...id, state: 'gone', error: 'subscription deleted' };
					if (r.deadline.getTime() <= Date.now()) return { ...id, state: 'expired' };
					try {
						await gateway.deliver(r.phone, texts[r.lang], { warningId: r.warningId, validUntil: r.deadline });
						return { ...id, state: 'sent' };
					} catch (error) {
						const status = (error as { status?: number }).status ?? 0;
						if (status >= 400 && status < 500 && status !== 429) return { ...id, state: 'failed', error: (error as Error).message };
						return { ...id, ...retryVerdict(r.attempts, r.deadline, null, (error as Error).message) };
					}
				})
			);
		}
	};
}
