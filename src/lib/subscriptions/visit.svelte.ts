/**
 * A tourist's one step at a scenic area (the entrance QR code opens its page): "warnings
 * for <area> until <date>", by Web Push where the browser can, else by a mobile number
 * and a code. The date is a Beijing calendar day, tomorrow by default, at most 14 days
 * ahead (the database holds the same limit, app.visit_latest_end); the subscription
 * covers the scenic area and its township and is deleted after the date.
 * The browser parts come in as `VisitClient`, the real ones by default.
 */
import * as client from './client';
import type { Preferences, Problem } from './client';
import type { DeviceSubscription } from './device';
import { endOfBeijingDay } from '../time';
import { beijingToday, type Lang } from './manager.svelte';

export type VisitClient = Pick<
	typeof client,
	'stored' | 'subscribePush' | 'subscribeSms' | 'confirmSms' | 'deleteEverything' | 'problems' | 'pushSupported' | 'iosOutsideHomeScreen'
>;

export const VISIT_MAX_DAYS = 14;

/** The Beijing calendar day `days` after today's, as YYYY-MM-DD. */
export function beijingDayAfter(days: number, now = Date.now()): string {
	return beijingToday(now + days * 86_400_000);
}

/** This device's visit of a scenic area that has not ended yet, if any. */
export function visitOf(subs: DeviceSubscription[], scenic: string, now = Date.now()): DeviceSubscription | null {
	return subs.find((s) => s.places.some((p) => 'scenic' in p && p.scenic === scenic) && s.until && Date.parse(s.until) > now) ?? null;
}

export class VisitSubscription {
	until = $state('');
	phone = $state('');
	code = $state('');

	ready = $state(false);
	canPush = $state(true);
	ios = $state(false);
	/** this device's visit of this area, once made (or found on the device) */
	visit = $state<DeviceSubscription | null>(null);
	/** a push subscription of this browser that is not a visit: a visit would replace it */
	other = $state<DeviceSubscription | null>(null);
	busy = $state(false);
	errors = $state<Problem[]>([]);
	pendingSms = $state<DeviceSubscription | null>(null);

	readonly today: string;
	readonly latest: string;
	readonly canSendCode = $derived(!this.busy && this.ready && this.phone.trim() !== '' && this.until !== '');
	readonly canConfirm = $derived(!this.busy && this.code.trim().length === 6);

	#client: VisitClient;

	constructor(
		readonly scenic: string,
		readonly label: string,
		readonly lang: Lang,
		api: VisitClient = client,
		now = Date.now()
	) {
		this.#client = api;
		this.today = beijingToday(now);
		this.latest = beijingDayAfter(VISIT_MAX_DAYS, now);
		this.until = beijingDayAfter(1, now);
	}

	start(): void {
		this.canPush = this.#client.pushSupported();
		this.ios = this.#client.iosOutsideHomeScreen();
		this.refresh();
		this.ready = true;
	}

	refresh(): void {
		const mine = this.#client.stored();
		this.visit = visitOf(mine, this.scenic);
		this.other = mine.find((s) => s.channel === 'push' && !s.places.some((p) => 'scenic' in p)) ?? null;
	}

	preferences(): Preferences {
		return {
			places: [{ scenic: this.scenic, label: this.label }],
			lang: this.lang,
			hazards: [],
			minLevel: 'blue',
			until: this.until ? (endOfBeijingDay(this.until)?.toISOString() ?? this.until) : null,
			exercises: false
		};
	}

	async #run(work: () => Promise<void>): Promise<void> {
		this.busy = true;
		this.errors = [];
		try {
			if (!this.until || this.until < this.today || this.until > this.latest) {
				this.errors = [{ key: 'visit_err_until', values: { days: String(VISIT_MAX_DAYS) } }];
				return;
			}
			await work();
		} catch (error) {
			this.errors = this.#client.problems(error);
		} finally {
			this.busy = false;
		}
	}

	subscribeHere = () =>
		this.#run(async () => {
			this.visit = await this.#client.subscribePush(this.preferences());
		});

	sendCode = () =>
		this.#run(async () => {
			this.pendingSms = await this.#client.subscribeSms(this.phone, this.preferences());
			this.code = '';
		});

	confirmCode = () =>
		this.#run(async () => {
			if (!this.pendingSms) return;
			await this.#client.confirmSms(this.pendingSms, this.code);
			this.visit = this.pendingSms;
			this.pendingSms = null;
		});

	/** Ends the visit now: deleted on the server and forgotten here. */
	stop = async () => {
		if (!this.visit) return;
		const visit = this.visit;
		this.busy = true;
		this.errors = [];
		try {
			await this.#client.deleteEverything(visit);
			this.refresh();
		} catch (error) {
			this.errors = this.#client.problems(error);
		} finally {
			this.busy = false;
		}
	};
}
