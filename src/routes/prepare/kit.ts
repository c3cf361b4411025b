/**
 * What goes in the 72-hour household kit, and the family plan's fields. Words are i18n
 * keys `preparedness.item_<id>` (+ `_detail`), `preparedness.<field>_label` (+ `_hint`).
 */
export const KIT_ITEMS = ['water', 'food', 'medicines', 'first_aid', 'light', 'radio', 'power', 'documents', 'cash', 'whistle', 'clothes', 'hygiene', 'special'] as const;
export type KitItem = (typeof KIT_ITEMS)[number];

/** Drinking water: about 4 litres per person per day, for 3 days. */
export const WATER_LITRES_PER_PERSON_DAY = 4;
export const KIT_DAYS = 3;
export const MAX_PEOPLE = 20;

export type Kit = { people: number; ready: KitItem[] };

export const emptyKit = (): Kit => ({ people: 1, ready: [] });

export function acceptKit(stored: unknown): Kit | null {
	if (!stored || typeof stored !== 'object') return null;
	const { people, ready } = stored as Record<string, unknown>;
	if (!Number.isInteger(people) || (people as number) < 1 || (people as number) > MAX_PEOPLE || !Array.isArray(ready)) return null;
	return { people: people as number, ready: KIT_ITEMS.filter((item) => ready.includes(item)) };
}

export const PLAN_FIELDS = ['meet_near', 'meet_far', 'contact_name', 'contact_phone', 'notes'] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];
export type Plan = Record<PlanField, string>;
export const PLAN_MAX = { meet_near: 100, meet_far: 100, contact_name: 50, contact_phone: 30, notes: 500 } satisfies Record<PlanField, number>;

export const emptyPlan = (): Plan => ({ meet_near: '', meet_far: '', contact_name: '', contact_phone: '', notes: '' });

export function acceptPlan(stored: unknown): Plan | null {
	if (!stored || typeof stored !== 'object') return null;
	const plan = emptyPlan();
	for (const field of PLAN_FIELDS) {
		const value = (stored as Record<string, unknown>)[field];
		if (value !== undefined && typeof value !== 'string') return null;
		plan[field] = (value ?? '').slice(0, PLAN_MAX[field]);
	}
	return plan;
}

/** Empty, or something a phone can dial. */
export function validPhone(value: string): boolean {
	const v = value.trim();
	return !v || /^\+?[0-9][0-9 ()-]{2,28}$/.test(v);
}
