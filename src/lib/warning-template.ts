/**
 * The compose form's starting text, from what the issuer chose: the area (the townships
 * picked, not "Miyun District" unless it is the whole district) and CAP certainty and
 * urgency (observed → "已出现", immediate → "act now"), so the words never contradict the
 * settings sent beside them. Client-safe: the form fills both languages at once.
 */
export type TemplateTexts = { [key: string]: string | Record<string, string>; hazards: Record<string, string>; levels: Record<string, string> };

/** A template string by key ('' when absent). */
const text = (tpl: TemplateTexts, key: string): string => (typeof tpl[key] === 'string' ? (tpl[key] as string) : '');

export type TemplateChoice = {
	hazard: string;
	level: string;
	certainty: string;
	urgency: string;
	/** names of the townships picked, in this language */
	towns: string[];
	/** every township of the district is picked */
	allTowns: boolean;
	/** villages, a circle or a polygon besides (or instead of) the townships */
	otherAreas: boolean;
};

function fill(text: string, values: Record<string, string>): string {
	return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

function areaName(tpl: TemplateTexts, c: TemplateChoice): string {
	if (c.allTowns || (!c.towns.length && !c.otherAreas)) return text(tpl, 'tpl_area_district');
	if (!c.towns.length) return text(tpl, 'tpl_area_part');
	const places = c.towns.join(text(tpl, 'tpl_area_join') || '、');
	return c.otherAreas ? fill(text(tpl, 'tpl_area_more') || '{{places}}', { places }) : places;
}

export function warningTemplate(tpl: TemplateTexts, c: TemplateChoice): { headline: string; description: string; instruction: string } {
	const values = {
		area: areaName(tpl, c),
		hazard: tpl.hazards[c.hazard] ?? c.hazard,
		level: tpl.levels[c.level] ?? c.level,
		act: text(tpl, `tpl_act_${c.urgency}`) || text(tpl, 'tpl_act_Expected')
	};
	return {
		headline: fill(text(tpl, 'tpl_headline'), values),
		description: fill(text(tpl, `tpl_description_${c.certainty}`) || text(tpl, 'tpl_description_Likely'), values),
		instruction: text(tpl, `tpl_instruction_${c.hazard}`) || text(tpl, 'tpl_instruction_default')
	};
}
