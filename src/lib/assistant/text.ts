/**
 * Matching words in a resident's message. Han phrases match anywhere (Chinese has no
 * spaces); Latin phrases match whole words (so "hi" is not found in "this"), or as a
 * prefix when written with a trailing `*` ("evacuat*" finds evacuate, evacuation).
 */
import words from './words.json';

const HAN = /\p{Script=Han}/u;

/** Lower case, full-width letters and digits folded, spaces squeezed; a message in pinyin also read as characters. */
export function normalize(text: string): string {
	return readPinyin(
		text
			.normalize('NFKC')
			.toLowerCase()
			// Pinyin with tone marks ("rén bèi diàn dào le") is read as plain pinyin: the marks over Latin letters go.
			.normalize('NFD')
			.replace(/([a-z])[\u0300-\u036f]+/g, '$1')
			.normalize('NFC')
			.replace(/[’‘]/g, "'")
			.replace(/\s+/g, ' ')
			.trim()
	);
}

const SYLLABLE = /^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|in|iu|ua|uo|ui|un|ue|ve|v|a|o|e|i|u)$/;
const PINYIN = words.pinyin.words as Record<string, string>;
const LONGEST = Math.max(...Object.keys(PINYIN).map((k) => k.split(' ').length));

/** A token as pinyin syllables ("jiuming" → jiu, ming), or null when it is not pinyin. */
function syllables(token: string): string[] | null {
	if (SYLLABLE.test(token)) return [token];
	for (let cut = Math.min(6, token.length - 1); cut >= 1; cut--) {
		const head = token.slice(0, cut);
		if (!SYLLABLE.test(head)) continue;
		const rest = syllables(token.slice(cut));
		if (rest) return [head, ...rest];
	}
	return null;
}

/**
 * A message typed in pinyin without tones ("shi cheng zhen you ren luo shui le kuai lai", "jiuming"):
 * the characters of the words words.json knows (有人落水了快来) are added after it, so every reader
 * (rules, danger-now, the model, the guides) sees them; the pinyin stays. Only a message whose words
 * are nearly all pinyin syllables, with at least one word of two syllables or more known: English is
 * left as it is. `text` is lower case.
 */
export function readPinyin(text: string): string {
	if (HAN.test(text) || !/[a-z]/.test(text)) return text;
	const tokens = text.split(/[^a-z]+/).filter(Boolean);
	const split = tokens.map(syllables);
	if (split.filter(Boolean).length < Math.max(1, Math.ceil(tokens.length * 0.8))) return text;
	const flat = split.flatMap((s) => s ?? ['']);
	const out: string[] = [];
	let known = false;
	for (let i = 0; i < flat.length; ) {
		let n = Math.min(LONGEST, flat.length - i);
		for (; n > 0; n--) if (PINYIN[flat.slice(i, i + n).join(' ')]) break;
		if (n === 0) {
			out.push(' ');
			i++;
			continue;
		}
		out.push(PINYIN[flat.slice(i, i + n).join(' ')]!);
		known ||= n > 1;
		i += n;
	}
	const han = out.join('').replace(/ +/g, ' ').trim();
	return known && han ? `${text} ${han}` : text;
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
