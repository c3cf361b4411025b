/**
 * The migrations that have landed on main, with the SHA-256 each had then
 * (supabase/landed-migrations.txt, `sha256sum` format). Existing databases have
 * applied them, so they must never change: schema changes go in new files.
 */
import fs from 'node:fs';

export const LANDED_FILE = 'supabase/landed-migrations.txt';

/** File name → hash as landed. */
export function readLanded(file: string): Map<string, string> {
	const landed = new Map<string, string>();
	if (!fs.existsSync(file)) return landed;
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line.trim());
		if (match) landed.set(match[2]!, match[1]!);
	}
	return landed;
}
