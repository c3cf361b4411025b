/**
 * Many subscriptions at once, for the crash test and the benchmark: written by SQL in
 * one statement (the API path would take minutes for a million), with real keys from a
 * small pool and endpoints on the push-service simulator.
 */
import { asService } from '../../db/caller';
import type { Database } from '../../db/port';
import * as warnings from '../../warnings/store';
import { rainstorm } from '../../warnings/testing/fixtures';
import type { SimKey } from './push-simulator';

/**
 * `count` push subscriptions at random points in [south, west, north, east], endpoint
 * `${origin}/push/<i mod keys>/<prefix><i>`. Returns nothing: the table is the result.
 */
export async function seedSubscriptions(
	db: Database,
	opts: { count: number; origin: string; keys: SimKey[]; prefix: string; box: [number, number, number, number] }
): Promise<void> {
	const [south, west, north, east] = opts.box;
	const chunk = 200_000;
	for (let from = 0; from < opts.count; from += chunk) {
		const to = Math.min(opts.count, from + chunk) - 1;
		await asService(db, async (tx) => {
			await tx.query(
				`with s as (
				   insert into public.subscriptions (id, secret_hash, channel, endpoint, p256dh, auth, confirmed, lang)
				   select gen_random_uuid(), repeat('0', 64), 'push',
				          $1::text || '/push/' || (i % $2::int) || '/' || $3::text || i, ($4::text[])[1 + i % $2::int], ($5::text[])[1 + i % $2::int], true,
				          case when i % 5 = 0 then 'en' else 'zh-CN' end
				     from generate_series($6::int, $7::int) i
				   returning id
				 )
				 insert into public.subscription_places (subscription_id, geom)
				 select s.id, extensions.st_setsrid(extensions.st_makepoint($8::float8 + random() * ($9::float8 - $8::float8), $10::float8 + random() * ($11::float8 - $10::float8)), 4326)
				   from s`,
				[opts.origin, opts.keys.length, opts.prefix, opts.keys.map((k) => k.p256dh), opts.keys.map((k) => k.auth), from, to, west, east, south, north]
			);
		});
	}
	await db.exec('analyze public.subscriptions; analyze public.subscription_places');
}

/** Issues an Actual red rainstorm warning over a rectangle [south, west, north, east]; returns its id. */
export async function issueOver(db: Database, box: [number, number, number, number]): Promise<string> {
	const [s, w, n, e] = box;
	return asService(db, async (tx) => {
		const saved = await warnings.saveDraft(tx, rainstorm({ areas: [{ kind: 'polygon', points: [[s, w], [s, e], [n, e], [n, w], [s, w]] }] }));
		if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
		let step = await warnings.submit(tx, saved.id);
		if (step.ok && step.state === 'pending') step = await warnings.approve(tx, saved.id);
		if (!step.ok || step.state !== 'issued') throw new Error(JSON.stringify(step));
		return saved.id;
	});
}
