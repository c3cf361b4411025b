/**
 * Whether an SMS code for a warning sign-up may be texted now. The rule (per number, per
 * client address with room for a township behind one carrier address, district-wide) is
 * public.sms_code_wait's; this only hashes the address, which is never stored raw.
 */
import { createHash } from 'node:crypto';
import { asService } from './db/caller';
import type { Database } from './db/port';

/** The limits, as the SQL applies them (for the page's words and the tests). */
export const SMS_CODE_LIMITS = { perNumberPerHour: 3, numberGapSeconds: 60, perAddressPerHour: 60, districtPerHour: 2000 } as const;

export const codeClientKey = (address: string) => createHash('sha256').update(`sms-code:${address}`).digest('hex').slice(0, 32);

/** Seconds to wait, or 0 (and the request is counted). */
export async function smsCodeWait(db: Database, phone: string, address: string): Promise<number> {
	const [row] = await asService(db, (tx) => tx.query<{ wait: number }>('select public.sms_code_wait($1, $2) as wait', [phone, codeClientKey(address)]));
	return Number(row?.wait ?? 0);
}
