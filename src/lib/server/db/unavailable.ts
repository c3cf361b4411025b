/**
 * "The database is not there right now" as one typed error. The adapters turn every
 * lost connection, refused connect, restart or full disk into it; code above the port
 * can then answer 503 with Retry-After (src/lib/server/unavailable.ts, the one place that
 * does) instead of a 500 with a stack, and background work can wait instead of logging
 * a failure per attempt.
 */

export class DatabaseUnavailableError extends Error {
	/** short reason for health checks and logs, e.g. "connection refused" */
	readonly reason: string;
	/** what a client should wait before trying again */
	readonly retryAfterSeconds: number;

	constructor(reason: string, cause?: unknown, retryAfterSeconds = 5) {
		super(`database unavailable: ${reason}`, { cause });
		this.name = 'DatabaseUnavailableError';
		this.reason = reason;
		this.retryAfterSeconds = retryAfterSeconds;
	}
}

export function isUnavailable(error: unknown): error is DatabaseUnavailableError {
	return error instanceof DatabaseUnavailableError;
}

// SQLSTATEs that mean the server, not the statement, is the problem.
const STATES: Record<string, string> = {
	'57P01': 'the database server is shutting down',
	'57P02': 'the database server crashed',
	'57P03': 'the database server is starting up or shutting down',
	'53300': 'too many connections to the database',
	'53100': 'the database disk is full',
	'58030': 'the database could not read or write its files'
};

const ERRNOS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ETIMEDOUT: 'connection timed out',
	EPIPE: 'connection closed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EAI_AGAIN: 'host name lookup failed',
	ENOSPC: 'the disk is full',
	EIO: 'input/output error'
};

/**
 * Why `error` means the database is unavailable, or null when it is an ordinary error
 * of the statement (a constraint, a policy, a typo) that a retry would not fix.
 */
export function unavailableReason(error: unknown): string | null {
	if (isUnavailable(error)) return error.reason;
	if (!(error instanceof Error)) return null;
	const code = (error as { code?: unknown }).code;
	if (typeof code === 'string') {
		if (STATES[code]) return STATES[code];
		if (code.startsWith('08')) return `connection failure (${code})`;
		if (ERRNOS[code]) return ERRNOS[code];
	}
	// node-postgres says these in words only.
	const message = error.message;
	if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client was closed|terminating connection/i.test(message)) {
		return message.split('\n')[0]!.slice(0, 120);
	}
	return null;
}

/** `error` as a DatabaseUnavailableError when it is one in substance; otherwise unchanged. */
export function classify(error: unknown): unknown {
	const reason = unavailableReason(error);
	return reason && !isUnavailable(error) ? new DatabaseUnavailableError(reason, error) : error;
}

/** Waits `attempt`'s backoff: exponential from `baseMs` to `maxMs`, with full jitter. */
export function backoffMs(attempt: number, baseMs = 200, maxMs = 2000): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
	// half fixed, half random: never zero, and processes restarted together spread out
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
