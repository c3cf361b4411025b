/**
 * The Web Push channel (RFC 8030/8291/8292): encrypts each payload for its subscriber
 * in the worker pool and posts it through the allow-listed transport.
 */
import { urgencyOf } from '../../subscriptions/urgency';
import { endpointProblem, type PushAllowlist } from './allowlist';
import { retryVerdict, type Channel, type Verdict } from './channel';
import type { EncryptPool } from './encrypt-pool';
import { pushPayloads, type DeliveryWarning, type MessagesFor } from './message';
import { keyOf, type Outcome, type Recipient } from './queue';
import type { PushResponse, PushTransport } from './transport';
import type { VapidSigner } from './vapid';

const ENCRYPT_CHUNK = 50;
/** The first chunk of a batch is small, so its first requests leave within a few encryptions. */
const FIRST_CHUNK = 8;

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
	headers: { ttl: number; urgency: 'very-high' | 'high' | 'normal'; topic?: string }
): Promise<PushResponse[]> {
	const common: Record<string, string> = {
		ttl: String(headers.ttl),
		urgency: headers.urgency,
		'content-encoding': 'aes128gcm',
		'content-type': 'application/octet-stream',
		...(headers.topic ? { topic: headers.topic } : {})
	};
	const answers: PushResponse[] = new Array(items.length);
	const origins = items.map((item) => new URL(item.endpoint).origin);
	for (const origin of new Set(origins)) parts.transport.preconnect(origin);
	// 8, 16, 32, then 50 a chunk
	const chunks: number[][] = [];
	for (let k = 0, size = FIRST_CHUNK; k < items.length; k += size, size = Math.min(ENCRYPT_CHUNK, size * 2)) {
		chunks.push(Array.from({ length: Math.min(size, items.length - k) }, (_, j) => k + j));
	}
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
					answers[i] = await parts.transport.send({ endpoint: item.endpoint, headers: { ...common, authorization: parts.signer.authorization(origins[i]!) }, body });
				})
			);
		})
	);
	return answers;
}

/** `templated`: the push channel's other messages (report updates, report-updates.ts). */
export function pushChannel(parts: PushParts, templated?: Channel['sendTemplated']): Channel {
	const now = parts.now ?? Date.now;
	// A warning's payload templates are built once, not once per batch (a translator per
	// language each time); again only when it has taken effect since ("takes effect at").
	// The engine hands the same DeliveryWarning object to every batch of a warning.
	const built = new WeakMap<DeliveryWarning, { at: number; payloads: ReturnType<typeof pushPayloads> }>();
	const payloadsOf = (w: DeliveryWarning) => {
		const cached = built.get(w);
		const effective = w.effective.getTime();
		if (cached && effective > cached.at === effective > Date.now()) return cached.payloads;
		const payloads = pushPayloads(w, parts.messages);
		built.set(w, { at: Date.now(), payloads });
		return payloads;
	};
	return {
		channel: 'push',
		...(templated ? { sendTemplated: templated } : {}),
		async send(w, recipients) {
			const payloads = payloadsOf(w);
			const ttl = Math.max(0, Math.floor((w.deadline.getTime() - now()) / 1000));
			const outcomes: Outcome[] = new Array(recipients.length);
			const ready: number[] = [];
			recipients.forEach((r, i) => {
				const done = (state: Outcome['state'], error?: string): Outcome => ({ ...keyOf(r), state, error });
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
					return { endpoint: r.endpoint!, p256dh: r.p256dh!, auth: r.auth!, payload: payloads[r.lang!](r.recipientId!) };
				}),
				{ ttl, urgency: urgencyOf(w), topic: topicOf(w.threadId) }
			);
			ready.forEach((i, k) => {
				const r = recipients[i]!;
				const answer = answers[k]!;
				outcomes[i] = answer.unusable
					? { ...keyOf(r), state: 'failed', error: answer.error }
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
	return { ...keyOf(r), ...pushVerdict(r.attempts, r.deadline, status, retryAfter, error) };
}

