/**
 * A step the database refuses reaches the console as words in the page's language,
 * never as the database's English message: the author approving their own red warning
 * gets the two-person rule in Chinese and in English. Every mapped reason is one the
 * migrations really raise, and every key has both languages.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../db/port';
import type { StaffIdentity } from '../auth/identity';
import { translatorFor } from '../i18n';
import { staffClaims } from '../reports/testing';
import { as, backends } from '../testing/db';
import { actions } from '../../../routes/console/warnings/[id]/+page.server';
import * as warnings from './store';
import { WARNING_REFUSALS } from './store';
import { rainstorm } from './testing/fixtures';

const MIGRATIONS = new URL('../../../../supabase/migrations/', import.meta.url);

describe('the warnings’ refusal list', () => {
	it('names only reasons the migrations raise, and keys with words in both languages', () => {
		const sql = fs.readdirSync(MIGRATIONS).map((f) => fs.readFileSync(new URL(f, MIGRATIONS), 'utf8')).join('\n');
		for (const r of WARNING_REFUSALS) {
			if (r.raised) expect(sql, r.raised).toContain(r.raised);
			for (const lang of ['zh-CN', 'en'] as const) expect(translatorFor(lang)(r.key), `${lang} ${r.key}`).not.toBe(r.key);
		}
	});
});

describe.each(backends())('a refused warning step in the console on $name', (backend) => {
	let db: Database;
	let issuerId: string;
	let issuer: Awaited<ReturnType<typeof staffClaims>>;
	beforeAll(async () => {
		db = await backend.open();
		issuer = await staffClaims(db, 'author@refusals.test', 'warning_issuer', { departmentCode: 'emergency' });
		issuerId = issuer.sub!;
	});
	afterAll(async () => {
		await db?.close();
	});

	it('shows the author approving their own red warning the two-person rule, in Chinese and in English', async () => {
		const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, rainstorm()));
		if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
		expect(await as(db, issuer, (tx) => warnings.submit(tx, saved.id))).toEqual({ ok: true, state: 'pending' });
		const me: StaffIdentity = {
			kind: 'staff', userId: issuerId, email: 'author@refusals.test', displayName: null,
			role: 'warning_issuer', departmentCode: 'emergency', townCode: null, sessionId: null
		};
		const form = new FormData();
		form.set('revision', String((await as(db, issuer, (tx) => warnings.get(tx, saved.id)))!.revision));
		const answer = (await (actions.approve as (e: unknown) => Promise<unknown>)({
			locals: { identity: me, db: <T>(work: (tx: Queryable) => Promise<T>) => as(db, issuer, work), lang: 'zh-CN' },
			params: { id: saved.id },
			request: new Request('http://localhost/console/warnings/x?/approve', { method: 'POST', body: form })
		})) as { status: number; data: { message: string } };
		expect(answer.status).toBe(400);
		expect(answer.data.message).toBe('warnings.err_second_person');
		expect(translatorFor('zh-CN')(answer.data.message)).toBe('橙色、红色预警须由另一名预警发布员或管理员批准后才能发布，起草人本人不能批准。');
		expect(translatorFor('en')(answer.data.message)).toMatch(/^An orange or red warning goes out only when a second/);
	});
});
