/**
 * The app's messages read from disk, for scripts that run outside Vite (the crash
 * test's engine process, the benchmark), where the server's import.meta.glob is not
 * available. Same files, same merge: whole top-level groups per file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Lang, Messages } from '../../../i18n';

const cache = new Map<Lang, Messages>();

export function messagesFromDisk(lang: Lang): Messages {
	let merged = cache.get(lang);
	if (!merged) {
		merged = {};
		const dir = path.resolve('src/lib/i18n/locales', lang);
		for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
			Object.assign(merged, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
		}
		cache.set(lang, merged);
	}
	return merged;
}
