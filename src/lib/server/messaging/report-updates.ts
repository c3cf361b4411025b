/**
 * Report updates by Web Push (the Reports issue: "updates are pushed when a push
 * subscription exists"). A phone that holds both a report's tracking token and a
 * warnings subscription's secret may follow the report; each public step of it then
 * reaches that phone. The payload names the ticket only: the tracking link (with its
 * token, which the server never keeps) stays on the phone, where the service worker
 * finds it.
 */
import type { ReportPayload } from '../../subscriptions/payload';
import { makeT } from '../../i18n';
import type { Queryable } from '../db/port';
import type { Channel } from './channel';
import { postPushes, pushVerdict, type PushParts } from './push';
import { endpointProblem } from './allowlist';
import { keyOf, type Outcome } from './queue';
import { sha256 } from './subscriptions';

/** What a push service keeps an update for; the message itself is valid a day (SQL). */
const TTL_SECONDS = 24 * 3600;

export async function watchReport(tx: Queryable, ticket: string, token: string, subscriptionId: string, secret: string): Promise<boolean> {
	if (!/^MY-\d{8}-\d{4,}$/.test(ticket) || !/^[0-9a-f-]{36}$/.test(subscriptionId)) return false;
	const [row] = await tx.query<{ ok: boolean }>('select app.report_watch($1, $2, $3, $4) as ok', [ticket, token, subscriptionId, sha256(secret)]);
	return row!.ok;
}

/**
 * The push channel's templated messages: report updates (template `report_update`,
 * params {report, ticket, event, status}), queued by app.report_updates_queue when a
 * followed report takes a public step, valid for a day.
 */
export function reportUpdates(parts: PushParts): NonNullable<Channel['sendTemplated']> {
	return async (messages) => {
		const t = { 'zh-CN': makeT('zh-CN', parts.messages('zh-CN')), en: makeT('en', parts.messages('en')) };
		const outcomes: Outcome[] = new Array(messages.length);
		const ready: number[] = [];
		messages.forEach((m, i) => {
			const done = (state: Outcome['state'], error?: string) => (outcomes[i] = { ...keyOf(m), state, error });
			if (m.template !== 'report_update') done('failed', `push carries no ${m.template}`);
			else if (!m.endpoint || !m.p256dh || !m.auth || !m.lang) done('gone', 'subscription deleted');
			else if (endpointProblem(m.endpoint, parts.allow)) done('failed', `endpoint ${endpointProblem(m.endpoint, parts.allow)}`);
			else ready.push(i);
		});
		const answers = await postPushes(
			parts,
			ready.map((i) => {
				const m = messages[i]!;
				const ticket = String(m.params!.ticket);
				const lang = m.lang!;
				const payload: ReportPayload = {
					v: 1,
					type: 'report',
					id: `report-${ticket}`,
					ticket,
					lang,
					title: t[lang]('delivery.report_title', { ticket }),
					body: t[lang](`reports.status.${m.params!.status}`),
					url: `/report/${ticket}`,
					s: m.recipientId!
				};
				return { endpoint: m.endpoint!, p256dh: m.p256dh!, auth: m.auth!, payload: JSON.stringify(payload) };
			}),
			// no Topic: one batch holds several reports; the notification tag replaces on the phone
			{ ttl: TTL_SECONDS, urgency: 'normal' }
		);
		ready.forEach((i, k) => {
			const m = messages[i]!;
			const a = answers[k]!;
			outcomes[i] = a.unusable ? { ...keyOf(m), state: 'failed', error: a.error } : { ...keyOf(m), ...pushVerdict(m.attempts, m.deadline, a.status, a.retryAfter, a.error) };
		});
		return outcomes;
	};
}
