/**
 * The push transport against the simulator: HTTP/2 when the service chooses it, and
 * HTTP/1.1 when its TLS handshake does not (a service that does not speak HTTP/2) —
 * real encryption, real VAPID, messages decrypted on the other side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { messagesFor } from '../i18n';
import { parseAllowlist } from './allowlist';
import { pushChannel } from './push';
import { EncryptPool } from './encrypt-pool';
import type { DeliveryWarning } from './message';
import type { Recipient } from './queue';
import { makeKeys, startSimulator, type Simulator } from './testing/push-simulator';
import { PushTransport } from './transport';
import { VapidSigner } from './vapid';

const keys = makeKeys(2);
const warning: DeliveryWarning = {
	id: '11111111-1111-4111-8111-111111111111',
	threadId: '22222222-2222-4222-8222-222222222222',
	msgType: 'Alert',
	status: 'Actual',
	hazard: 'rainstorm',
	level: 'orange',
	effective: new Date(Date.now() - 60_000),
	expires: new Date(Date.now() + 3600_000),
	areaNames: [],
	deadline: new Date(Date.now() + 3600_000),
	infos: [{ lang: 'zh-CN', headline: '暴雨橙色预警', instruction: '请注意防范。', areaDesc: '溪翁庄镇' }],
	area: null
};

describe.each(['h2', 'http/1.1'] as const)('a push service speaking %s', (protocol) => {
	let sim: Simulator;
	let transport: PushTransport;
	afterEach(async () => {
		transport?.close();
		await sim?.close();
	});

	it('receives every message, decrypted, over the protocol it chose', async () => {
		sim = await startSimulator({ keys, sampleRate: 1, protocol, answer: (id) => (id === 'gone' ? { status: 410 } : null) });
		const allow = parseAllowlist(sim.origin);
		transport = new PushTransport(allow, { ca: sim.cert });
		const channel = pushChannel({ transport, signer: new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@example.cn'), pool: new EncryptPool(0), allow, messages: messagesFor });
		const ids = ['a', 'b', 'c', 'd', 'e', 'gone'];
		const recipients: Recipient[] = ids.map((id, i) => ({
			id: String(i + 1),
			warningId: warning.id,
			kind: 'subscription',
			recipientId: `33333333-3333-4333-8333-33333333333${i}`,
			attempts: 1,
			lang: 'zh-CN',
			endpoint: sim.endpoint(id, i % keys.length),
			p256dh: keys[i % keys.length]!.p256dh,
			auth: keys[i % keys.length]!.auth,
			phone: null,
			openid: null,
			deadline: warning.deadline,
			template: null,
			params: null,
			stale: false
		}));
		const outcomes = await channel.send(warning, recipients);
		expect(outcomes.map((o) => o.state)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'gone']);
		for (const id of ids.slice(0, 5)) {
			expect(sim.counts.get(id)).toBe(1);
			expect(sim.headers.get(id)!.version).toBe(protocol === 'h2' ? '2.0' : '1.1');
			expect(JSON.parse(sim.payloads.get(id)!).title).toBe('暴雨橙色预警');
		}
		expect(sim.rejected).toEqual({ vapid: 0, decrypt: 0 });
		// a second batch reuses what the first opened
		const again = await channel.send(warning, recipients.slice(0, 2));
		expect(again.map((o) => o.state)).toEqual(['sent', 'sent']);
	});
});
