/**
 * How translations reach the browser: one bundle per route group (public, volunteer,
 * console), each made of whole locale files. Every file is its own hashed chunk
 * (`import.meta.glob`, not eager), so the browser downloads a file once, keeps it as an
 * immutable asset, and no page's HTML or `__data.json` carries the catalogue. The
 * server loads the same chunks for rendering.
 */
import type { Lang, Messages } from './index';

export type Bundle = 'public' | 'volunteer' | 'console';

const FILES = import.meta.glob<Messages>('./locales/*/*.json', { import: 'default' });

/** Files a group does not use (staff-only words stay out of the residents' pages). */
const LEFT_OUT: Record<Bundle, readonly string[]> = {
	public: ['evacuation', 'open311', 'sms_texts', 'volunteer'],
	volunteer: ['evacuation', 'open311', 'sms_texts'],
	console: []
};

export function bundleFor(routeOrPath: string): Bundle {
	if (/^\/console(\/|$)/.test(routeOrPath)) return 'console';
	if (/^\/volunteer(\/|$)/.test(routeOrPath)) return 'volunteer';
	return 'public';
}

/** The locale files of one bundle, by feature name (`core`, `warnings`, …). */
export function bundleFiles(lang: Lang, bundle: Bundle): string[] {
	return Object.keys(FILES)
		.filter((file) => file.startsWith(`./locales/${lang}/`))
		.filter((file) => !LEFT_OUT[bundle].includes(file.slice(file.lastIndexOf('/') + 1, -'.json'.length)));
}

// The merged catalogue of a (language, bundle): the same for everyone, made once.
const merged = new Map<string, Promise<Messages>>();

export function loadMessages(lang: Lang, bundle: Bundle): Promise<Messages> {
	const key = `${lang}:${bundle}`;
	let found = merged.get(key);
	if (!found) {
		found = Promise.all(bundleFiles(lang, bundle).map((file) => FILES[file]!())).then((parts) => Object.assign({}, ...parts) as Messages);
		found.catch(() => merged.delete(key));
		merged.set(key, found);
	}
	return found;
}
