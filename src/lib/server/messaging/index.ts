/**
 * The messaging service of a server process: the VAPID identity, the channels and the
 * engine that sends the one queue through them (warning messages, report updates, SMS
 * texts), made once at start. Texts leave only through these: the gateway itself is not
 * handed out.
 */
import tls from 'node:tls';
import type { Config } from '../config';
import type { Database } from '../db/port';
import { pushChannel, type PushParts } from './push';
import { smsChannel } from './sms';
import { wechatChannel } from './wechat';
import { httpGateway, smsCatcher } from './sms/gateway';
import { reportUpdates } from './report-updates';
import { EncryptPool } from './encrypt-pool';
import { messagesFor } from '../i18n';
import { smsTexts } from './sms/sender';
import { codeSender, type CodeSender } from './sms/codes';
import { startDelivery, type Engine } from './engine';
import { pushEew, type EewPushResult } from './eew';
import type { EewFacts } from '../../eew/message';
import { PushTransport } from './transport';
import { VapidSigner, vapidKeys } from './vapid';

export type Delivery = {
	/** the VAPID public key browsers subscribe with (applicationServerKey) */
	publicKey: string;
	/** one-time codes: to the gateway, never kept in clear (shown only in the demo without one) */
	codes: CodeSender;
	engine: Engine;
	/** an earthquake early warning, straight to push (messaging/eew.ts) */
	eew(facts: EewFacts): Promise<EewPushResult>;
	close(): Promise<void>;
};

export async function startDeliveryService(config: Config, db: Database): Promise<Delivery> {
	const settings = config.delivery;
	const keys = await vapidKeys(db, settings.vapid);
	// A self-hosted push service's CA is trusted in addition to the system's, not instead.
	const transport = new PushTransport(settings.pushAllowlist, settings.pushCa ? { ca: [...tls.rootCertificates, settings.pushCa] } : {});
	const pool = new EncryptPool();
	const sms = settings.smsGateway ? httpGateway(settings.smsGateway.url, settings.smsGateway.token) : smsCatcher(db);
	const push: PushParts = { transport, signer: new VapidSigner(keys, settings.vapidSubject), pool, allow: settings.pushAllowlist, messages: messagesFor };
	// One queue, one sender loop: each channel claims its warning messages and its
	// templated ones — report updates by push and, with a real gateway, the SMS texts other
	// features queue. Without a gateway the texts stay queued for the console.
	const engine = await startDelivery({
		db,
		channels: [
			pushChannel(push, reportUpdates(push)),
			smsChannel(sms, settings.publicOrigin, messagesFor, settings.smsGateway ? smsTexts(sms, messagesFor, settings.publicOrigin) : undefined),
			// WeChat subscribers are matched either way; without the account's API settings they wait in the queue
			...(settings.wechatApi ? [wechatChannel(settings.wechatApi, settings.publicOrigin, messagesFor)] : [])
		]
	});
	return {
		publicKey: keys.publicKey,
		codes: codeSender(settings.smsGateway ? sms : null, config.seedDemo, messagesFor),
		engine,
		eew: (facts) => pushEew(db, push, facts),
		async close() {
			await engine.stop();
			transport.close();
			await pool.close();
		}
	};
}
