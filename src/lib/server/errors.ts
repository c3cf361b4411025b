/**
 * A refusal the people using the app should read in their language: an i18n key (and
 * the form field it concerns, when there is one). The database refuses with a SQLSTATE
 * and an English message meant for developers; each domain lists how its refusals map
 * to keys (`Refusal`), and `domainError` turns a database error into a DomainError by
 * that list — anything not on it (a bug, a lost connection) is thrown on unchanged.
 */
export class DomainError<Field extends string = string> extends Error {
	constructor(
		readonly key: string,
		readonly field?: Field,
		/** The SQLSTATE the database refused with, when it did. */
		readonly sqlstate?: string
	) {
		super(key);
		this.name = 'DomainError';
	}
}

/**
 * One way the database refuses: its SQLSTATE and, where one SQLSTATE has several
 * reasons, a part of the message raised in a migration (landed migrations are frozen,
 * so those words do not change under the mapping). The first match wins.
 */
export type Refusal<Field extends string = string> = { sqlstate: string; raised?: string; key: string; field?: Field };

export function domainError<Field extends string>(error: unknown, refusals: readonly Refusal<Field>[]): DomainError<Field> {
	if (error instanceof DomainError) return error as DomainError<Field>;
	const e = error as { code?: string; message?: string };
	const found = refusals.find((r) => r.sqlstate === e.code && (!r.raised || (e.message ?? '').includes(r.raised)));
	if (!found) throw error;
	return new DomainError(found.key, found.field, e.code);
}
