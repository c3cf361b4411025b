/**
 * /wechat — the WeChat Official Account message endpoint (plaintext mode). GET answers the
 * platform's echostr check; POST takes a message and answers with a passive reply from the
 * assistant. Off (404) unless WECHAT_TOKEN is set; a bad signature is refused (403).
 */
import { error, text } from '@sveltejs/kit';
import { converse } from '$lib/server/assistant';
import { smalltalkAnswer } from '$lib/server/assistant/answers';
import { wechatConversationId } from '$lib/server/assistant/store';
import { parseMessage, replyXml, REPLY_WITHIN_MS, verify, within } from '$lib/server/assistant/wechat';
import { clock } from '$lib/server/reports/limits';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

function token(): string {
	const wechat = services().config.wechat;
	if (!wechat) error(404, 'the WeChat endpoint is not enabled on this server (WECHAT_TOKEN is not set)');
	return wechat.token;
}

function signed(url: URL) {
	return { signature: url.searchParams.get('signature'), timestamp: url.searchParams.get('timestamp'), nonce: url.searchParams.get('nonce') };
}

/** Reports from one WeChat user count like reports from one device. */
function reportWait(openId: string): string | null {
	const seconds = services().limits.reportsPerDevice.hit(`wechat:${openId}`);
	return seconds ? clock(new Date(Date.now() + seconds * 1000)) : null;
}

export const GET: RequestHandler = ({ url }) => {
	if (!verify(token(), signed(url))) error(403, 'signature check failed');
	return text(url.searchParams.get('echostr') ?? '');
};

const XML = { 'content-type': 'application/xml; charset=utf-8' };

export const POST: RequestHandler = async ({ url, request, locals }) => {
	const secret = token();
	if (!verify(secret, signed(url))) error(403, 'signature check failed');
	const incoming = parseMessage(await request.text());
	if (!incoming) error(400, 'the body is not a WeChat message (XML with ToUserName, FromUserName, MsgType)');
	// The platform retries when it gets no answer in time: one answer per message.
	const claim = await locals.db(async (tx) => (await tx.query<{ first: boolean; reply: string | null }>('select * from public.wechat_claim($1)', [incoming.id]))[0]!);
	if (!claim.first) return claim.reply ? text(claim.reply, { headers: XML }) : text('success');
	// An address-based limit would count every user behind the platform's servers: limit per user instead.
	if (services().limits.anonWrites.hit(`wechat:${incoming.from}`)) return text('success');

	const lang = /[a-z]/i.test(incoming.text) && !/\p{Script=Han}/u.test(incoming.text) ? 'en' : 'zh-CN';
	const answering = locals.db(async (tx) => {
		const answer =
			incoming.type === 'text' || incoming.type === 'location'
				? await converse(tx, {
						id: wechatConversationId(secret, incoming.from),
						fixedId: true,
						message: { text: incoming.type === 'text' ? incoming.text : '', lang, lat: incoming.lat, lon: incoming.lon, photos: [] },
						channel: { kind: 'wechat', photos: false, reportLimit: () => reportWait(incoming.from) }
					})
				: smalltalkAnswer(lang);
		const xml = replyXml(incoming, answer, url.origin);
		await tx.query('select public.wechat_answered($1, $2)', [incoming.id, xml]);
		return xml;
	});
	const xml = await within(REPLY_WITHIN_MS, answering);
	// Too slow: "success" tells the platform not to retry; the reply is kept for a retry already on its way.
	return xml ? text(xml, { headers: XML }) : text('success');
};
