/**
 * The subscribe page's state: the choices being made, what this device already holds,
 * and the three steps (subscribe this browser, send a code to a number, confirm it).
 * Kept out of the page so it can be tested without a browser; the browser parts
 * (push, storage, fetch) come in as `SubscriptionClient`, the real one by default.
 */
import * as client from './client';
import type { Preferences, Problem } from './client';
import type { DevicePlace, DeviceSubscription } from './device';
import { endOfBeijingDay } from '../time';

export type SubscriptionClient = Pick<typeof client, 'stored' | 'subscribePush' | 'subscribeSms' | 'confirmSms' | 'problems' | 'pushSupported' | 'iosOutsideHomeScreen'>;

export type Lang = 'zh-CN' | 'en';

/** Beijing's calendar day of `now`, as YYYY-MM-DD: a subscription may end today at the earliest. */
export function beijingToday(now = Date.now()): string {
	return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

export class SubscriptionManager {
	places = $state<DevicePlace[]>([]);
	allHazards = $state(true);
	hazards = $state<string[]>([]);
	minLevel = $state('blue');
	lang = $state<Lang>('zh-CN');
	/** YYYY-MM-DD, Beijing time; empty: no end */
	until = $state('');
	exercises = $state(false);
	phone = $state('');
	code = $state('');

	ready = $state(false);
	canPush = $state(true);
	ios = $state(false);
	mine = $state<DeviceSubscription[]>([]);
	busy = $state(false);
	errors = $state<Problem[]>([]);
	/** What refused a text-message code: shown beside the SMS button, not at the top. */
	smsErrors = $state<Problem[]>([]);
	/** what just succeeded: a push subscription, or an SMS one for `phone` */
	success = $state<{ kind: 'push' } | { kind: 'sms'; phone: string } | null>(null);
	pendingSms = $state<DeviceSubscription | null>(null);

	readonly canSendCode = $derived(!this.busy && this.ready && this.phone.trim() !== '');
	readonly canConfirm = $derived(!this.busy && this.code.trim().length === 6);

	#client: SubscriptionClient;

	constructor(lang: Lang, api: SubscriptionClient = client) {
		this.lang = lang;
		this.#client = api;
	}

	/** In the browser, once mounted: what the device supports and already holds. */
	start(): void {
		this.canPush = this.#client.pushSupported();
		this.ios = this.#client.iosOutsideHomeScreen();
		this.refresh();
		this.ready = true;
	}

	refresh(): void {
		this.mine = this.#client.stored();
	}

	preferences(): Preferences {
		return {
			places: this.places,
			lang: this.lang,
			hazards: this.allHazards ? [] : this.hazards,
			minLevel: this.minLevel,
			// the end of the chosen day, Beijing time
			until: this.until ? (endOfBeijingDay(this.until)?.toISOString() ?? this.until) : null,
			exercises: this.exercises
		};
	}

	async #run(work: () => Promise<void>, where: 'errors' | 'smsErrors' = 'errors'): Promise<void> {
		this.busy = true;
		this.errors = [];
		this.smsErrors = [];
		this.success = null;
		try {
			await work();
		} catch (error) {
			this[where] = this.#client.problems(error);
		} finally {
			this.busy = false;
		}
	}

	subscribeHere = () =>
		this.#run(async () => {
			await this.#client.subscribePush(this.preferences());
			this.refresh();
			this.success = { kind: 'push' };
		});

	sendCode = () =>
		this.#run(async () => {
			this.pendingSms = await this.#client.subscribeSms(this.phone, this.preferences());
			this.code = '';
		}, 'smsErrors');

	confirmCode = () =>
		this.#run(async () => {
			if (!this.pendingSms) return;
			await this.#client.confirmSms(this.pendingSms, this.code);
			this.success = { kind: 'sms', phone: this.phone };
			this.pendingSms = null;
			this.refresh();
		}, 'smsErrors');
}
