/**
 * The server's Urgency header and the service worker's "keep on screen" follow one
 * rule: for every level, hazard and message type, the header the push channel sends
 * for a warning is high exactly when the worker, reading the payload the server built
 * for it, shows an urgent notification. The transport records instead of posting; the
 * payload and the notification are the real ones.
 */
import { describe, expect, it } from 'vitest';
import { CapMsgTypeValues, HazardCodeValues, WarningLevelValues } from '../../db-types.gen';
import type { PushPayload } from '../../subscriptions/payload';
import { warningNotification } from '../../sw/push';
import { messagesFor } from '../i18n';
import { parseAllowlist } from './allowlist';
import type { EncryptPool } from './encrypt-pool';
import type { DeliveryWarning } from './message';
import { pushChannel } from './push';
import type { Recipient } from './queue';
import type { PushRequest, PushTransport } from './transport';
import type { VapidSigner } from './vapid';

const ENDPOINT = 'https://push.example.test/send/1';

function recordingChannel() {
	const sent: PushRequest[] = [];
	const channel = pushChannel({
		transport: { preconnect: () => undefined, send: async (request: PushRequest) => (sent.push(request), { status: 201, retryAfter: null }) } as unknown as PushTransport,
		signer: { authorization: () => 'vapid t=x, k=y' } as unknown as VapidSigner,
		// the payload itself is what the worker receives once the browser has decrypted it
		pool: { encrypt: async (jobs: { payload: string }[]) => jobs.map((j) => new TextEncoder().encode(j.payload)) } as unknown as EncryptPool,
		allow: parseAllowlist('https://push.example.test'),
		messages: messagesFor
	});
	return { channel, sent };
}

const recipient = (w: DeliveryWarning): Recipient => ({
	id: '1',
	warningId: w.id,
	recipientId: '33333333-3333-4333-8333-333333333333',
	kind: 'subscription',
	attempts: 1,
	lang: 'en',
	endpoint: ENDPOINT,
	p256dh: 'x'.repeat(87),
	auth: 'y'.repeat(22),
	phone: null,
	openid: null,
	deadline: new Date(Date.now() + 3600_000),
	template: null,
	params: null,
	stale: false
});

describe('urgency: one rule for the push header and the notification', () => {
	it('agrees for every level, hazard and message type', async () => {
		const { channel, sent } = recordingChannel();
		const seen = new Set<string>();
		for (const level of WarningLevelValues)
			for (const hazard of HazardCodeValues)
				for (const msgType of CapMsgTypeValues) {
					const w: DeliveryWarning = {
						id: '11111111-1111-4111-8111-111111111111',
						threadId: '22222222-2222-4222-8222-222222222222',
						msgType,
						status: 'Actual',
						hazard,
						level,
						effective: new Date(),
						expires: new Date(Date.now() + 3600_000),
						areaNames: [],
						deadline: new Date(Date.now() + 3600_000),
						infos: [{ lang: 'en', headline: 'h', instruction: 'i', areaDesc: 'a' }],
						area: null
					};
					sent.length = 0;
					await channel.send(w, [recipient(w)]);
					const [request] = sent;
					const payload = JSON.parse(new TextDecoder().decode(request!.body)) as PushPayload;
					const urgent = warningNotification(payload).requireInteraction === true;
					expect({ level, hazard, msgType, header: request!.headers.urgency }).toEqual({ level, hazard, msgType, header: urgent ? 'high' : 'normal' });
					seen.add(request!.headers.urgency!);
				}
		// the rule is not one-sided: both answers occur
		expect([...seen].sort()).toEqual(['high', 'normal']);
	});
});
