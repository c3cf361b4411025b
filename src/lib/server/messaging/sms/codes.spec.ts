/**
 * The queue keeps no one-time code in clear and sends nothing stale: the gateway gets
 * the code, the console says "code sent"; only the embedded demo without a gateway shows
 * a code, marked; turning a gateway on sends only messages still valid, and the console
 * shows the others as expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleText } from '../../../sms-text';
import { makeT } from '../../../i18n';
import { asService } from '../../db/caller';
import type { Database } from '../../db/port';
import type { SmsGateway } from './gateway';
import { messagesFor } from '../../i18n';
import { backends, sqlState } from '../../testing/db';
import { requestCode } from '../../volunteers/sign-in';
import * as warnings from '../../warnings/store';
import { rainstorm } from '../../warnings/testing/fixtures';
import { codeSender } from './codes';
import { smsCatcher } from './gateway';
import { latest } from './texts';
import { sendSmsOnce } from './sender';

/** A gateway that keeps what it was given (the adapter's interface; the database is real). */
function recordingGateway() {
	const texts: { to: string; text: string }[] = [];
	const gateway: SmsGateway = {
		async deliver(to, text) {
			texts.push({ to, text });
		}
	};
	return { gateway, texts };
}

const en = makeT('en', messagesFor('en'));

const ORIGIN = 'https://safe.example.cn';

describe.each(backends())('SMS codes and validity on $name', (backend) => {
	let db: Database;
	let seq = 0;
	const phone = () => `1360000${String(++seq).padStart(4, '0')}`;
	const rowsTo = (to: string) => asService(db, (tx) => latest(tx, 500)).then((rows) => rows.filter((r) => r.recipient === to));
	const everything = async () => JSON.stringify(await asService(db, (tx) => tx.query('select * from public.delivery_queue where template is not null')));

	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('with a gateway, the gateway gets the sign-in code and the outbox only that a code was sent', async () => {
		const { gateway, texts } = recordingGateway();
		const to = phone();
		expect(await requestCode(db, codeSender(gateway, false, messagesFor), to, '10.1.0.1')).toEqual({ ok: true });
		expect(texts).toHaveLength(1);
		const code = /(\d{6})/.exec(texts[0]!.text)![1]!;
		const [row] = await rowsTo(to);
		expect(row).toMatchObject({ template: 'sign_in_code', state: 'sent', demo: false, params: { minutes: 10 } });
		expect(await everything()).not.toContain(code);
		expect(consoleText(en, 'en', row!)).toMatch(/code was sent/);
		expect(consoleText(en, 'en', row!)).not.toContain(code);
	});

	it('a code the gateway refused shows as failed and is never sent again from the queue', async () => {
		const to = phone();
		const refusing: SmsGateway = {
			async deliver() {
				throw Object.assign(new Error('SMS gateway: 503'), { status: 503 });
			}
		};
		expect(await codeSender(refusing, false, messagesFor).send(db, { to, template: 'sign_in_code', code: '112233', minutes: 10, lang: 'zh-CN' })).toBe('failed');
		expect((await rowsTo(to))[0]).toMatchObject({ template: 'sign_in_code', state: 'failed' });
		const { gateway, texts } = recordingGateway();
		while ((await sendSmsOnce(db, gateway, messagesFor, ORIGIN)) > 0);
		expect(texts.filter((t) => t.to === to)).toEqual([]);
	});

	it('a subscription code goes the same way, in the subscriber’s language', async () => {
		const { gateway, texts } = recordingGateway();
		const to = phone();
		expect(await codeSender(gateway, false, messagesFor).send(db, { to, template: 'subscription_code', code: '246810', minutes: 10, lang: 'en' })).toBe('sent');
		expect(texts[0]!.text).toContain('246810');
		expect(texts[0]!.text).toMatch(/warning texts/);
		expect(await everything()).not.toContain('246810');
	});

	it('without a gateway and outside the demo, the code is kept nowhere', async () => {
		const to = phone();
		expect(await codeSender(null, false, messagesFor).send(db, { to, template: 'sign_in_code', code: '135791', minutes: 10, lang: 'zh-CN' })).toBe('kept');
		expect(await everything()).not.toContain('135791');
		expect((await rowsTo(to))[0]).toMatchObject({ state: 'waiting', demo: false });
	});

	it('only the embedded demo keeps a code, marked as demo; the database refuses it anywhere else', async () => {
		const to = phone();
		await codeSender(null, true, messagesFor).send(db, { to, template: 'sign_in_code', code: '975310', minutes: 10, lang: 'zh-CN' });
		const [row] = await rowsTo(to);
		expect(row).toMatchObject({ demo: true, params: { code: '975310' } });
		expect(consoleText(en, 'en', row!)).toContain('975310');
		expect(
			await sqlState(asService(db, (tx) => tx.query(`insert into public.delivery_queue (channel, recipient_kind, address, template, params) values ('sms', 'phone', '13600009999', 'sign_in_code', '{"code":"111111"}')`)))
		).toBe('23514');
	});

	it('turning a gateway on sends only what is still valid; the rest shows as expired', async () => {
		const issue = async () =>
			asService(db, async (tx) => {
				const saved = await warnings.saveDraft(tx, rainstorm({ level: 'blue' }));
				if ('errors' in saved) throw new Error('draft');
				await warnings.submit(tx, saved.id);
				return saved.id;
			});
		const lifted = await issue();
		const live = await issue();
		await asService(db, (tx) => warnings.cancel(tx, lifted));
		const [stale, old, event, fresh, text] = [phone(), phone(), phone(), phone(), phone()];
		const hourAgo = new Date(Date.now() - 3600_000).toISOString();
		await asService(db, async (tx) => {
			const put = (to: string, template: string, params: object, extra: { expires?: string; warning?: string } = {}) =>
				tx.query(
					`insert into public.delivery_queue (channel, recipient_kind, address, template, params, expires_at, warning_id)
					 values ('sms', 'phone', $1, $2, $3, $4, $5)`,
					[to, template, JSON.stringify(params), extra.expires ?? null, extra.warning ?? null]
				);
			await put(old, 'text', { text: 'yesterday' }, { expires: hourAgo });
			await put(event, 'reminder_2h', { title_zh: '演练', title_en: 'Drill', place: 'X', code: 'ABCDEFGH', starts_at: hourAgo });
			await put(text, 'text', { text: 'hello' });
		});
		// warning texts the engine kept without a gateway: the warning and a language, no text
		const keep = (to: string, warningId: string) => smsCatcher(db).deliver(to, 'not kept', { warningId, threadId: 'x', lang: 'en', validUntil: new Date(Date.now() + 3600_000) });
		await keep(stale, lifted);
		await keep(fresh, live);
		expect((await rowsTo(fresh))[0]).toMatchObject({ template: 'warning', params: { lang: 'en', thread: 'x' } });
		expect(await everything()).not.toContain('not kept');
		await codeSender(null, true, messagesFor).send(db, { to: phone(), template: 'sign_in_code', code: '864200', minutes: 10, lang: 'zh-CN' });

		const { gateway, texts } = recordingGateway();
		while ((await sendSmsOnce(db, gateway, messagesFor, ORIGIN)) > 0);
		expect(texts.map((t) => t.to).sort()).toEqual([fresh, text].sort());
		for (const to of [stale, old, event]) expect((await rowsTo(to))[0]!.state).toBe('expired');
		expect(texts.some((t) => t.text.includes('864200'))).toBe(false);
		// rendered from the warning when sent, in the language kept
		expect(texts.find((t) => t.to === fresh)!.text).toMatch(/^\[Safe Miyun\] .+ https:\/\/safe\.example\.cn\/w\/[0-9a-f]{8}$/);
	});

	it('a warning text the engine keeps carries its warning and validity', async () => {
		const to = phone();
		const [w] = await asService(db, (tx) => tx.query<{ id: string }>(`select id from public.warnings where state = 'issued' limit 1`));
		await smsCatcher(db).deliver(to, 'old news', { warningId: w!.id, threadId: 'x', lang: 'zh-CN', validUntil: new Date(Date.now() - 1000) });
		expect((await rowsTo(to))[0]!.state).toBe('expired');
		await expect(smsCatcher(db).deliver(to, 'no warning')).rejects.toThrow(/warning texts only/);
	});
});
