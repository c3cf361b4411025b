/**
 * A phone follows its report and hears of each public step by Web Push: only with
 * both the tracking token and the subscription's secret; the payload names the ticket
 * and the new status in the subscription's language, never the tracking token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { messagesFor } from '../i18n';
import { submit } from '../reports/submit';
import { draft, staffClaims } from '../reports/testing';
import * as flow from '../reports/workflow';
import { as, backends, sqlState } from '../testing/db';
import { parseAllowlist } from './allowlist';
import { EncryptPool } from './encrypt-pool';
import { reportUpdates, watchReport } from './report-updates';
import { pushChannel, type PushParts } from './push';
import { sendOnce } from './send';
import { createSubscription, deleteSubscription, readSubscription } from './subscriptions';
import { makeKeys, startSimulator, type Simulator } from './testing/push-simulator';
import { PushTransport } from './transport';
import { VapidSigner } from './vapid';

describe.each(backends())('report updates by push on $name', (backend) => {
	let db: Database;
	let sim: Simulator;
	let parts: PushParts;
	let desk: Claims;
	const keys = makeKeys(1);

	beforeAll(async () => {
		db = await backend.open();
		sim = await startSimulator({ keys, sampleRate: 1 });
		const allow = parseAllowlist(sim.origin);
		parts = { transport: new PushTransport(allow, { ca: sim.cert }), signer: new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@example.cn'), pool: new EncryptPool(0), allow, messages: messagesFor };
		desk = await staffClaims(db, 'desk@push.test', 'dispatcher', { townCode: '110118101' });
	});
	afterAll(async () => {
		parts?.transport.close();
		await sim?.close();
		await db?.close();
	});

	it('pushes each public step to the phone that follows the report, in its language', async () => {
		const report = draft();
		const filed = await as(db, ANON_CLAIMS, (tx) => submit(tx, report));
		const sub = await as(db, ANON_CLAIMS, (tx) =>
			createSubscription(tx, { channel: 'push', push: { endpoint: sim.endpoint('r1', 0), p256dh: keys[0]!.p256dh, auth: keys[0]!.auth }, phone: null, places: [{ lat: 40.45, lon: 116.83, label: null }], lang: 'en', hazards: [], minLevel: 'blue', exercises: false, until: null })
		);
		expect(await as(db, ANON_CLAIMS, (tx) => watchReport(tx, filed.ticket, 'wrong-token-wrong-token-wrong-token', sub.id, sub.secret))).toBe(false);
		expect(await as(db, ANON_CLAIMS, (tx) => watchReport(tx, filed.ticket, report.token, sub.id, 'wrong secret'))).toBe(false);
		expect(await as(db, ANON_CLAIMS, (tx) => watchReport(tx, filed.ticket, report.token, sub.id, sub.secret))).toBe(true);
		expect(await as(db, ANON_CLAIMS, (tx) => readSubscription(tx, sub.id, sub.secret))).toMatchObject({ reports: [filed.ticket] });

		const [row] = await asService(db, (tx) => tx.query<{ id: number }>('select id from public.reports where ticket = $1', [filed.ticket]));
		await as(db, desk, (tx) => flow.dispatch(tx, row!.id));
		const sendReportUpdates = () => sendOnce(db, pushChannel(parts, reportUpdates(parts)));
		expect(await sendReportUpdates()).toBe(1);
		const payload = JSON.parse(sim.payloads.get('r1')!);
		expect(payload).toMatchObject({ type: 'report', id: `report-${filed.ticket}`, ticket: filed.ticket, lang: 'en', url: `/report/${filed.ticket}`, body: 'Dispatched, awaiting acceptance' });
		expect(payload.title).toContain(filed.ticket);
		expect(JSON.stringify(payload)).not.toContain(report.token);
		expect(await sendReportUpdates()).toBe(0); // sent once
		const [state] = await asService(db, (tx) => tx.query<{ state: string }>(`select state from public.delivery_queue where template = 'report_update'`));
		expect(state!.state).toBe('sent');
	});

	/** A report followed by a new push subscription, one public step taken: one update queued. */
	async function followedStep(simId: string) {
		const report = draft();
		const filed = await as(db, ANON_CLAIMS, (tx) => submit(tx, report));
		const sub = await as(db, ANON_CLAIMS, (tx) =>
			createSubscription(tx, { channel: 'push', push: { endpoint: sim.endpoint(simId, 0), p256dh: keys[0]!.p256dh, auth: keys[0]!.auth }, phone: null, places: [{ lat: 40.45, lon: 116.83, label: null }], lang: 'zh-CN', hazards: [], minLevel: 'blue', exercises: false, until: null })
		);
		expect(await as(db, ANON_CLAIMS, (tx) => watchReport(tx, filed.ticket, report.token, sub.id, sub.secret))).toBe(true);
		const [row] = await asService(db, (tx) => tx.query<{ id: number }>('select id from public.reports where ticket = $1', [filed.ticket]));
		await as(db, desk, (tx) => flow.dispatch(tx, row!.id));
		return { sub, reportId: row!.id };
	}
	const queuedFor = async (subscriptionId: string) =>
		(await asService(db, (tx) => tx.query(`select 1 from public.delivery_queue where template = 'report_update' and recipient_id = $1`, [subscriptionId]))).length;

	it('a queued update goes with its subscription, deleted by its owner or by the service (a tourist stay ended)', async () => {
		const mine = await followedStep('r2');
		expect(await queuedFor(mine.sub.id)).toBe(1);
		expect(await as(db, ANON_CLAIMS, (tx) => deleteSubscription(tx, mine.sub.id, mine.sub.secret))).toBe(true);
		expect(await queuedFor(mine.sub.id)).toBe(0);
		const ended = await followedStep('r3');
		expect(await queuedFor(ended.sub.id)).toBe(1);
		await asService(db, (tx) => tx.query('delete from public.subscriptions where id = $1', [ended.sub.id]));
		expect(await queuedFor(ended.sub.id)).toBe(0);
	});

	it('warning issuers read warning deliveries only: never an update (who follows which report) nor a text; admins read all', async () => {
		const { sub } = await followedStep('r4');
		await asService(db, (tx) =>
			tx.query(`insert into public.delivery_queue (channel, recipient_kind, address, template, params) values ('sms', 'phone', '13900000001', 'text', '{"text":"hi"}')`)
		);
		const issuer = await staffClaims(db, 'issuer@push.test', 'warning_issuer', { departmentCode: 'meteorology' });
		const admin = await staffClaims(db, 'admin@push.test', 'admin', { departmentCode: 'emergency' });
		const read = (claims: Claims) => as(db, claims, (tx) => tx.query<{ template: string | null }>('select template from public.delivery_queue where template is not null'));
		expect(await read(issuer)).toEqual([]);
		expect(await read(desk)).toEqual([]);
		expect((await read(admin)).map((r) => r.template)).toEqual(expect.arrayContaining(['report_update', 'text']));
		// nor through the state function, nor by writing
		expect(await as(db, issuer, (tx) => tx.query(`select app.message_state(q) from public.delivery_queue q where q.recipient_id = $1`, [sub.id]))).toEqual([]);
		expect(await sqlState(as(db, issuer, (tx) => tx.query(`update public.delivery_queue set state = 'sent' where template is not null`)))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select 1 from public.delivery_queue')))).toBe('42501');
	});
});
