/**
 * Matching words in a resident's message. Han phrases match anywhere (Chinese has no
 * spaces); Latin phrases match whole words (so "hi" is not found in "this"), or as a
 * prefix when written with a trailing `*` ("evacuat*" finds evacuate, evacuation).
 */

const HAN = /\p{Script=Han}/u;

/** Lower case, full-width letters and digits folded, spaces squeezed. */
export function normalize(text: string): string {
	return text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[’‘]/g, "'")
		.replace(/\s+/g, ' ')
		.trim();
}

const patterns = new Map<string, RegExp>();

function pattern(phrase: string): RegExp {
	let re = patterns.get(phrase);
	if (!re) {
		const prefix = phrase.endsWith('*');
		const body = (prefix ? phrase.slice(0, -1) : phrase).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		re = new RegExp(`(?<![a-z0-9])${body}${prefix ? '' : '(?![a-z0-9])'}`);
		patterns.set(phrase, re);
	}
	return re;
}

/** Is the phrase in the (normalized) text? */
export function contains(text: string, phrase: string): boolean {
	return HAN.test(phrase) || !/[a-z0-9]/.test(phrase) ? text.includes(phrase) : pattern(phrase).test(text);
}

/** The phrases of a list found in the text. */
export function found(text: string, phrases: readonly string[]): string[] {
	return phrases.filter((p) => contains(text, p));
}

export function any(text: string, phrases: readonly string[]): boolean {
	return phrases.some((p) => contains(text, p));
}

/** The whole message is one of the phrases (for short answers: "yes", "跳过"), punctuation aside. */
export function isOnly(text: string, phrases: readonly string[]): boolean {
	const bare = text.replace(/[\s\p{P}\p{S}]+/gu, ' ').trim();
	return phrases.includes(bare);
}

export function hasHan(text: string): boolean {
	return HAN.test(text);
}

/**
 * The language a message is written in, by its dominant script (a Chinese place name in an
 * English sentence stays English: a Han character weighs about two Latin letters); null
 * when it has neither (digits, emoji). For a client that sent no language.
 */
export function languageOf(text: string): 'zh-CN' | 'en' | null {
	const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
	const latin = text.match(/[a-z]/gi)?.length ?? 0;
	if (!han && !latin) return null;
	return han * 2 >= latin ? 'zh-CN' : 'en';
}
