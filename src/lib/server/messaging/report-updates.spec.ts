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
import { as, backends } from '../testing/db';
import { parseAllowlist } from './allowlist';
import type { PushParts } from './push';
import { EncryptPool } from './encrypt-pool';
import { sendReportUpdates, watchReport } from './report-updates';
import { createSubscription, readSubscription } from './subscriptions';
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
		expect(await sendReportUpdates(db, parts)).toBe(1);
		const payload = JSON.parse(sim.payloads.get('r1')!);
		expect(payload).toMatchObject({ type: 'report', id: `report-${filed.ticket}`, ticket: filed.ticket, lang: 'en', url: `/report/${filed.ticket}`, body: 'Dispatched, awaiting acceptance' });
		expect(payload.title).toContain(filed.ticket);
		expect(JSON.stringify(payload)).not.toContain(report.token);
		expect(await sendReportUpdates(db, parts)).toBe(0); // sent once
		const [state] = await asService(db, (tx) => tx.query<{ state: string }>('select state from public.report_pushes'));
		expect(state!.state).toBe('sent');
	});
});
