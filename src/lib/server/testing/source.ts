/** For tests that read the code itself: every .ts and .svelte file under `dir` (specs left out), comments removed. */
import fs from 'node:fs';
import path from 'node:path';

export function sourceFiles(dir = 'src'): { file: string; code: string }[] {
	const found: { file: string; code: string }[] = [];
	const walk = (at: string) => {
		for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
			const file = path.join(at, entry.name);
			if (entry.isDirectory()) walk(file);
			else if (/\.(svelte|ts)$/.test(entry.name) && !entry.name.endsWith('.spec.ts')) {
				// Comments may quote anything; code may not.
				found.push({ file, code: fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '') });
			}
		}
	};
	walk(dir);
	return found;
}
