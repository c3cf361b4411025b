/**
 * One verb for the display routes: a screen checks in and gets what to show, or null
 * when no such screen exists. Runs as the anonymous caller (the screen has no account).
 */
import type { Queryable } from '../db/port';
import { checkIn } from './screens';
import { displayState, type DisplayState } from './state';

export const SCREEN_SLUG = /^[a-z0-9][a-z0-9-]{2,39}$/;

/** The most a check-in may carry: it carries nothing, so anything larger is refused. */
export const MAX_CHECKIN_BYTES = 256;

export async function screenState(tx: Queryable, slug: string): Promise<DisplayState | null> {
	if (!SCREEN_SLUG.test(slug)) return null;
	const screen = await checkIn(tx, slug);
	return screen ? displayState(tx, screen.name, screen.place) : null;
}

export type { DisplayState, DisplayWarning } from './state';
