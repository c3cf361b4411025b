/**
 * "Emergencies first": a report is the wrong channel for something happening now.
 * When the category or the words say so, the form shows 119/110/120 before anything
 * else. The words are data (emergency-words.json), checked in both languages.
 */
import type { ReportCategory } from '../db-types.gen';
import words from './emergency-words.json';

export type EmergencyNumber = '119' | '110' | '120';

/** Categories where a report often describes a fire, a leak or a person in danger now. */
const CATEGORY_NUMBERS: Partial<Record<ReportCategory, EmergencyNumber[]>> = {
	forest_fire: ['119'],
	gas: ['119'],
	hazmat: ['119'],
	confined_space: ['119', '120'],
	// "I need help": a person in danger (rescue, police, ambulance).
	rescue: ['119', '110', '120']
};

/** The numbers to call first, most relevant first; empty when nothing says "now". */
export function emergencyNumbers(category: string | null | undefined, text: string | null | undefined): EmergencyNumber[] {
	const found = new Set<EmergencyNumber>(CATEGORY_NUMBERS[category as ReportCategory] ?? []);
	const lower = (text ?? '').toLowerCase();
	if (lower) {
		for (const number of ['119', '110', '120'] as const) {
			if (words[number].some((word) => lower.includes(word))) found.add(number);
		}
	}
	return [...found];
}
