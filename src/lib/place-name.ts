/**
 * The one rule for a place's name on a page (docs/decisions.md, "Chinese in English pages"):
 * Chinese pages show the Chinese name; English pages show the English name, followed by the
 * Chinese in brackets for a place a visitor travels to and may have to show a driver (a
 * venue, a shelter, a scenic area's sub-line), e.g. "Shicheng Town viewing area (石城镇观摩区)".
 * Without an English name the Chinese stands alone rather than a made-up one.
 */
export function visitorPlace(zh: string, en: string | null | undefined, lang: string): string {
	if (lang !== 'en' || !en || en === zh) return zh;
	return `${en} (${zh})`;
}

const HAN = /\p{Script=Han}/u;

/** True when the text has Chinese characters (English text that still needs its names in English). */
export function hasHan(text: string): boolean {
	return HAN.test(text);
}

/**
 * English text that names places in Chinese (a CAP feed's English block with areaDesc
 * "溪翁庄镇"): each township or village name known to the district becomes its English name,
 * longest first (溪翁庄镇 before 溪翁庄), and Chinese list marks become English ones.
 * Names the district does not know stay as they were.
 */
export function englishPlaceNames(text: string, places: { name_zh: string; name_en: string }[]): string {
	if (!hasHan(text)) return text;
	const byLength = [...places].filter((p) => p.name_zh && p.name_en).sort((a, b) => b.name_zh.length - a.name_zh.length);
	let out = text;
	for (const p of byLength) if (out.includes(p.name_zh)) out = out.split(p.name_zh).join(p.name_en);
	return out.replace(/[、，]\s*/g, ', ').replace(/；\s*/g, '; ');
}
