/**
 * /wechat — the WeChat Official Account message endpoint (plaintext mode). GET answers the
 * platform's echostr check; POST takes a message and answers with a passive reply from the
 * assistant. Off (404) unless WECHAT_TOKEN is set; a bad signature is refused (403).
 */
import { error, text } from '@sveltejs/kit';
import { verify } from '$lib/server/assistant/wechat';
import { answerWechat } from '$lib/server/assistant/wechat-endpoint';
import { asService } from '$lib/server/db/caller';
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

export const GET: RequestHandler = ({ url }) => {
	if (!verify(token(), signed(url))) error(403, 'signature check failed');
	return text(url.searchParams.get('echostr') ?? '');
};

export const POST: RequestHandler = async ({ url, request, locals }) => {
	const secret = token();
	const db = services().db;
	const result = await answerWechat(locals.db, (work) => asService(db, work), secret, signed(url), await request.text(), url.origin, services().limits);
	if (result.status !== 200) error(result.status, result.body);
	return text(result.body, { headers: { 'content-type': result.xml ? 'application/xml; charset=utf-8' : 'text/plain; charset=utf-8' } });
};
