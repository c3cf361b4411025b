/**
 * What /wechat does with a POST, apart from the HTTP plumbing: check the signature, answer
 * each MsgId once, drive the assistant with the user's conversation, reply in time.
 */
import type { Queryable } from '../db/port';
import type { RateLimiter } from '../rate-limit';
import { smalltalkAnswer } from './answers';
import { converse } from '.';
import { wechatConversationId } from './store';
import { runWechatCommand, wechatCommand, type WechatCommand } from '../messaging/wechat-subscribe';
import { parseMessage, replyXml, REPLY_WITHIN_MS, verify, within, type NonceMemory, type Signed } from './wechat';

export type Run = <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;

export type WechatResult = { status: number; body: string; xml: boolean };

const OK_NO_REPLY: WechatResult = { status: 200, body: 'success', xml: false };

/**
 * `run` does the assistant's work as the anonymous caller; `service` claims and records
 * MsgIds (wechat_claim/wechat_answered are service_role's: the replies carry tracking links).
 */
export async function answerWechat(
	run: Run,
	service: Run,
	secret: string,
	query: Signed,
	body: string,
	origin: string,
	limits: { anonWrites: RateLimiter; reportsPerDevice: RateLimiter; wechatNonces: NonceMemory },
	replyWithinMs = REPLY_WITHIN_MS
): Promise<WechatResult> {
	if (!verify(secret, query)) return { status: 403, body: 'signature check failed', xml: false };
	const incoming = parseMessage(body);
	if (!incoming) return { status: 400, body: 'the body is not a WeChat message (XML with ToUserName, FromUserName, MsgType)', xml: false };
	// A signed URL carries over to any body: its nonce may come back only with the same message.
	if (!limits.wechatNonces.accept(query, `${incoming.from}\n${incoming.id}`)) {
		return { status: 403, body: 'this signature was already used for another message', xml: false };
	}
	// The platform retries when it gets no answer in time: one answer per message.
	const claim = await service(async (tx) => (await tx.query<{ first: boolean; reply: string | null }>('select * from public.wechat_claim($1)', [incoming.id]))[0]!);
	if (!claim.first) return claim.reply ? { status: 200, body: claim.reply, xml: true } : OK_NO_REPLY;
	// An address-based limit would count every user behind the platform's servers: limit per user instead.
	if (limits.anonWrites.hit(`wechat:${incoming.from}`)) return OK_NO_REPLY;

	const lang = /[a-z]/i.test(incoming.text) && !/\p{Script=Han}/u.test(incoming.text) ? 'en' : 'zh-CN';
	const reportLimit = () => {
		// Reports from one WeChat user count like reports from one device.
		const seconds = limits.reportsPerDevice.hit(`wechat:${incoming.from}`);
		return seconds ? new Date(Date.now() + seconds * 1000) : null;
	};
	// "订阅预警 <place>" and "取消订阅预警" are the messaging module's, before the assistant
	// (as service_role: the subscription is the follower's, named by the platform's OpenID).
	const command = incoming.type === 'text' ? wechatCommand(incoming.text) : null;
	const subscribing = (c: WechatCommand) =>
		service(async (tx) => replyXml(incoming, { intent: 'smalltalk', reply: await runWechatCommand(tx, incoming.from, c, lang), links: [] }, origin));
	const assistant = () =>
		run(async (tx) => {
			const answer =
				incoming.type === 'text' || incoming.type === 'location'
					? await converse(tx, {
							id: wechatConversationId(secret, incoming.from),
							fixedId: true,
							message: { text: incoming.text, lang, lat: incoming.lat, lon: incoming.lon, photos: [] },
							channel: { kind: 'wechat', photos: false, reportLimit }
						})
					: smalltalkAnswer(lang);
			return replyXml(incoming, answer, origin);
		});
	const answering = (command ? subscribing(command) : assistant()).then(async (xml) => {
		await service((tx) => tx.query('select public.wechat_answered($1, $2)', [incoming.id, xml]));
		return xml;
	});
	const xml = await within(replyWithinMs, answering);
	// Too slow: "success" tells the platform not to retry; the reply is kept for a retry already on its way.
	return xml ? { status: 200, body: xml, xml: true } : OK_NO_REPLY;
}
