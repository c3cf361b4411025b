/**
 * The WeChat channel: a warning as an Official Account subscription message (订阅通知,
 * `message/subscribe/bizsend`) to each follower who subscribed through the account
 * (app.wechat_subscribe). Behind the same Channel interface as push and SMS.
 *
 * The access token is fetched with the AppID and secret, kept until shortly before it
 * expires and shared by every batch; the platform allows only so many token requests a
 * day, so it is never fetched per message. When the platform says the token is no
 * longer valid (40001, 42001, 40014: another server of the account fetched a new one)
 * it is fetched again once and the message retried. 43101 means the follower refused
 * (or used up) subscription messages: nothing will change that by retrying, so the
 * message fails for that follower and is not sent again.
 */
import { retryVerdict, type Channel } from './channel';
import { wechatFields, type MessagesFor } from './message';
import { keyOf, type Outcome } from './queue';

export type WechatApi = { appId: string; secret: string; templateId: string; base: string };

/** Error codes of the platform that this channel tells apart. */
export const WECHAT_ERRORS = { tokenInvalid: [40001, 42001, 40014], refused: 43101, unfollowed: 43004 } as const;

type Answer = { errcode?: number; errmsg?: string; access_token?: string; expires_in?: number };

class WechatError extends Error {
	constructor(
		readonly code: number,
		message: string
	) {
		super(`WeChat ${code}: ${message}`);
	}
}

/** The account's access token, cached until five minutes before it runs out; one fetch at a time. */
export class WechatToken {
	#token: { value: string; until: number } | null = null;
	#fetching: Promise<string> | null = null;
	fetches = 0;

	constructor(
		private readonly api: WechatApi,
		private readonly now = () => Date.now()
	) {}

	get(): Promise<string> {
		if (this.#token && this.#token.until > this.now()) return Promise.resolve(this.#token.value);
		return (this.#fetching ??= this.#fetch().finally(() => (this.#fetching = null)));
	}

	/** The platform refused `stale`: forget it (unless a newer one came meanwhile). */
	forget(stale: string): void {
		if (this.#token?.value === stale) this.#token = null;
	}

	async #fetch(): Promise<string> {
		this.fetches += 1;
		const url = `${this.api.base}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(this.api.appId)}&secret=${encodeURIComponent(this.api.secret)}`;
		const answer = await call(url);
		if (!answer.access_token) throw new WechatError(answer.errcode ?? -1, answer.errmsg ?? 'no access_token');
		const seconds = Math.max(60, (answer.expires_in ?? 7200) - 300);
		this.#token = { value: answer.access_token, until: this.now() + seconds * 1000 };
		return answer.access_token;
	}
}

async function call(url: string, body?: unknown): Promise<Answer> {
	const response = await fetch(url, {
		method: body ? 'POST' : 'GET',
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
		redirect: 'error',
		signal: AbortSignal.timeout(10_000)
	});
	if (!response.ok) throw new WechatError(-response.status, `HTTP ${response.status}`);
	return (await response.json()) as Answer;
}

export function wechatChannel(api: WechatApi, origin: string, messages: MessagesFor, token = new WechatToken(api)): Channel {
	/** Sends one message; a token the platform calls invalid is replaced once. */
	async function send(body: Record<string, unknown>): Promise<void> {
		for (let attempt = 0; ; attempt++) {
			const value = await token.get();
			const answer = await call(`${api.base}/cgi-bin/message/subscribe/bizsend?access_token=${encodeURIComponent(value)}`, body);
			const code = answer.errcode ?? 0;
			if (code === 0) return;
			if ((WECHAT_ERRORS.tokenInvalid as readonly number[]).includes(code) && attempt === 0) {
				token.forget(value);
				continue;
			}
			throw new WechatError(code, answer.errmsg ?? '');
		}
	}

	return {
		channel: 'wechat',
		async send(w, recipients) {
			const fields = { 'zh-CN': wechatFields(w, 'zh-CN', messages), en: wechatFields(w, 'en', messages) };
			return Promise.all(
				recipients.map(async (r): Promise<Outcome> => {
					const id = keyOf(r);
					if (!r.openid || !r.lang) return { ...id, state: 'gone', error: 'subscription deleted' };
					if (r.deadline.getTime() <= Date.now()) return { ...id, state: 'expired' };
					const f = fields[r.lang];
					try {
						await send({
							touser: r.openid,
							template_id: api.templateId,
							page: `${origin}/warnings/${w.threadId}?lang=${r.lang}`,
							data: { thing1: { value: f.title }, thing2: { value: f.area }, time3: { value: f.time } }
						});
						return { ...id, state: 'sent' };
					} catch (error) {
						const code = error instanceof WechatError ? error.code : 0;
						const message = (error as Error).message;
						if (code === WECHAT_ERRORS.refused) return { ...id, state: 'failed', error: `refused by the follower (${code})` };
						// Unfollowed the account: the subscription has no one to reach any more.
						if (code === WECHAT_ERRORS.unfollowed) return { ...id, state: 'gone', error: message };
						// Other platform refusals (a bad template, a parameter) will not pass by retrying.
						if (code > 0 && !(WECHAT_ERRORS.tokenInvalid as readonly number[]).includes(code) && code !== 45009 && code !== -1)
							return { ...id, state: 'failed', error: message };
						return { ...id, ...retryVerdict(r.attempts, r.deadline, null, message) };
					}
				})
			);
		}
	};
}
