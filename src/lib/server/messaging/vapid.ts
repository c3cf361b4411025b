/**
 * VAPID (RFC 8292): the server's identity towards push services. Keys come from the
 * environment, or are generated once and kept in the database so every process of the
 * embedded default (and every restart) signs with the same key the browsers
 * subscribed with. The JWT is signed once per push-service origin per hour, not per
 * message: signing is most of a message's cost in a naive sender.
 */
import webpush from 'web-push';
import { storedSecret } from '../auth/secrets';
import type { Database } from '../db/port';

export type VapidKeys = { publicKey: string; privateKey: string };

export async function vapidKeys(db: Database, configured: VapidKeys | null): Promise<VapidKeys> {
	if (configured) return configured;
	const stored = await storedSecret(db, 'vapid_keys', () => JSON.stringify(webpush.generateVAPIDKeys()));
	return JSON.parse(stored) as VapidKeys;
}

/** A JWT lives 12 h (RFC 8292 allows 24 h); a new one is made after an hour. */
const TOKEN_SECONDS = 12 * 3600;
const REUSE_MS = 3600_000;

export class VapidSigner {
	private cache = new Map<string, { authorization: string; madeAt: number }>();

	constructor(
		private keys: VapidKeys,
		private subject: string,
		private now = () => Date.now()
	) {}

	/** The Authorization header for requests to this origin (`vapid t=…, k=…`). */
	authorization(origin: string): string {
		const cached = this.cache.get(origin);
		if (cached && this.now() - cached.madeAt < REUSE_MS) return cached.authorization;
		const expiration = Math.floor(this.now() / 1000) + TOKEN_SECONDS;
		const headers = webpush.getVapidHeaders(origin, this.subject, this.keys.publicKey, this.keys.privateKey, 'aes128gcm', expiration);
		const authorization = headers.Authorization;
		this.cache.set(origin, { authorization, madeAt: this.now() });
		return authorization;
	}
}
