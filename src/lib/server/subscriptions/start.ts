/**
 * Starting a subscription, as POST /api/subscriptions and the scenic page's form (which
 * works without JavaScript) both do: the SMS code budget (public.sms_code_wait),
 * the row, the places matched district-wide, and the code's text. One place, so the
 * plain form gets exactly what the API gives.
 */
import { districtWideNotes } from '../geography/district-wide';
import { createSubscription, SubscriptionError, type SubscriptionInput } from '../messaging/subscriptions';
import { services } from '../runtime';
import { smsCodeWait } from '../sms-code-limits';
import type { Queryable } from '../db/port';

type Db = <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;

export type Started =
	| { kind: 'made'; id: string; secret: string; confirm: boolean; notes: Awaited<ReturnType<typeof districtWideNotes>> }
	| { kind: 'limited'; wait: number }
	| { kind: 'refused'; error: SubscriptionError };

export async function startSubscription(db: Db, input: SubscriptionInput, o: { address: string; replaces: string | null }): Promise<Started> {
	const { db: database, delivery } = services();
	if (input.phone) {
		// Each code is a text someone pays for and a stranger's phone may receive; the limits
		// are SQL's (per number, per address with room for CGNAT, district-wide).
		const wait = await smsCodeWait(database, input.phone, o.address);
		if (wait) return { kind: 'limited', wait };
	}
	try {
		const { made, notes } = await db(async (tx) => ({ made: await createSubscription(tx, input, o.replaces), notes: await districtWideNotes(tx, input.places) }));
		if (made.code && input.phone) {
			await delivery.codes.send(services().db, { to: input.phone, template: 'subscription_code', code: made.code, minutes: 10, lang: input.lang });
		}
		return { kind: 'made', id: made.id, secret: made.secret, confirm: made.code !== null, notes };
	} catch (error) {
		if (error instanceof SubscriptionError) return { kind: 'refused', error };
		throw error;
	}
}
