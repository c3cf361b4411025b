/**
 * With a gateway configured, the queue's texts go out through it: rendered in Chinese,
 * recorded sent when the gateway took them, queued again with a backoff when it failed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../db/caller';
import type { Database } from '../../db/port';
import { httpGateway } from './gateway';
import { messagesFor } from '../../i18n';
import { backends } from '../../testing/db';
import { sendSmsOnce } from './sender';

const ORIGIN = 'https://safe.example.cn';

describe.each(backends())('the SMS texts sender on $name', (backend) => {
	let db: Database;
	let server: http.Server;
	let url = '';
	const received: { auth: string | undefined; body: { to: string; text: string } }[] = [];
	let failNext = 0;

	beforeAll(async () => {
		db = await backend.open();
		server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				if (failNext > 0) {
					failNext -= 1;
					res.writeHead(503).end();
					return;
				}
				received.push({ auth: req.headers.authorization, body: JSON.parse(body) });
				res.writeHead(200).end('{}');
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
	});
	afterAll(async () => {
		server?.close();
		await db?.close();
	});

	it('sends each message once, and keeps the ones the gateway refused for later', async () => {
		await asService(db, (tx) =>
			tx.query(`insert into public.delivery_queue (channel, recipient_kind, address, template, params) values
				('sms', 'phone', '13800000001', 'text', '{"text": "【平安密云】测试 123456"}'),
				('sms', 'phone', '13800000002', 'text', '{"text": "hello"}')`)
		);
		const states = () =>
			asService(db, (tx) => tx.query<{ state: string; attempts: number; retry: boolean }>(`select state, attempts, next_at > now() as retry from public.delivery_queue where template = 'text' order by address`));
		const gateway = httpGateway(url, 'token-1');
		failNext = 1;
		expect(await sendSmsOnce(db, gateway, messagesFor, ORIGIN)).toBe(2);
		const [first, second] = await states();
		expect([first!.state, second!.state].sort()).toEqual(['queued', 'sent']);
		expect([first, second].find((s) => s!.state === 'queued')).toMatchObject({ attempts: 1, retry: true });
		expect(await sendSmsOnce(db, gateway, messagesFor, ORIGIN)).toBe(0); // not before its retry time
		// its retry time comes
		await asService(db, (tx) => tx.query(`update public.delivery_queue set next_at = now() where template = 'text' and state = 'queued'`));
		expect(await sendSmsOnce(db, gateway, messagesFor, ORIGIN)).toBe(1);
		expect(await sendSmsOnce(db, gateway, messagesFor, ORIGIN)).toBe(0);
		expect((await states()).map((s) => s.state)).toEqual(['sent', 'sent']);
		expect(received.map((r) => r.body.to).sort()).toEqual(['+8613800000001', '+8613800000002']);
		expect(received.every((r) => r.auth === 'Bearer token-1')).toBe(true);
		const code = received.find((r) => r.body.to === '+8613800000001')!.body.text;
		expect(code).toContain('123456');
		expect(code).toMatch(/[\u4e00-\u9fff]/); // rendered in Chinese, not a template key
	});
});
