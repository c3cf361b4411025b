/**
 * Whether a warning message is urgent: one rule for both ends of a push. The server
 * sends it with RFC 8030 `Urgency: high` (wakes a sleeping phone at once) and the
 * service worker keeps its notification on screen until it is handled
 * (requireInteraction). Orange and red warnings and every earthquake warning are
 * urgent; a Cancel never is (it closes a notification quietly).
 */
import type { CapMsgType, HazardCode, WarningLevel } from '../db-types.gen';

export type UrgencyFacts = { level: WarningLevel; hazard: HazardCode; msgType: CapMsgType };

export function isUrgent(w: UrgencyFacts): boolean {
	if (w.msgType === 'Cancel') return false;
	return w.level === 'orange' || w.level === 'red' || w.hazard === 'earthquake';
}

/**
 * An earthquake early warning is the one message above `high`: `very-high` (RFC 8030
 * §5.3) wakes a phone even on low battery, and the worker shows it at once and loud
 * where the estimated shaking is loud ($lib/eew/intensity). The worker reads this too.
 */
export const EEW_URGENCY = 'very-high' as const;

/** The Web Push `Urgency` header (RFC 8030 §5.3) of a warning message. */
export function urgencyOf(w: UrgencyFacts): 'high' | 'normal' {
	return isUrgent(w) ? 'high' : 'normal';
}
