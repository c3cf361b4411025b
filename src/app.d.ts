import type { Identity } from '$lib/server/auth/identity';
import type { Queryable } from '$lib/server/db/port';
import type { Lang } from '$lib/i18n';
import type { VolunteerIdentity } from '$lib/server/volunteers/sign-in';

declare global {
	namespace App {
		interface Locals {
			identity: Identity;
			lang: Lang;
			/** Runs database work as this request's caller (RLS decides). */
			db: <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;
			/** The staff session token from the cookie, to end it on sign-out. */
			sessionToken: string | null;
			/** A signed-in volunteer (own cookie; never staff). */
			volunteer: VolunteerIdentity | null;
		}
		interface PageData {
			lang: Lang;
		}
		interface Error {
			message: string;
			id?: string;
			/** The field a 400 or 413 concerns (text_unstorable, field_too_large). */
			field?: string;
			/** The limit a 413 names, in bytes (field_too_large). */
			limit?: number;
		}
	}
}

export {};
