/**
 * The /shelters page's state: the hazard and place chosen on the device, the answer
 * (from the server, or computed here when the network is cut) and a fresher snapshot.
 * Without JavaScript the page shows the server's answer to its form; with it, choices
 * made here take over. Kept out of the page so it can be tested without a browser; the
 * browser parts (position, fetch) come in as `FinderDevice`, the real one by default.
 */
import { locate } from '$lib/geolocate';
import type { HazardCode } from '$lib/hazards';
import { isHazardCode } from '$lib/hazards';
import { excludingWarning } from './exclusion';
import { nearDistrict } from './geo';
import { nearestOnDevice } from './nearest';
import type { NearestAnswer, ShelterSnapshot } from './types';

/** What the server rendered the page with (the page's `data`), and the address's ?hazard=. */
export type FinderSource = {
	snapshot: ShelterSnapshot;
	hazard: string | null;
	place: { lat: number; lon: number; town: string | null } | null;
	answer: NearestAnswer | null;
	unlocated: string | null;
	lang: string;
	/** ?hazard= of the address: offline, the kept copy of /shelters answers /shelters?hazard=… with the data it was kept with. */
	asked: string | null;
};

export type FinderDevice = {
	locate: typeof locate;
	hasGeolocation: () => boolean;
	/** The server's nearest shelters; throws when it cannot answer. */
	nearest: (query: URLSearchParams) => Promise<NearestAnswer>;
	/** The latest snapshot, or null. */
	snapshot: () => Promise<ShelterSnapshot | null>;
};

const browser: FinderDevice = {
	locate,
	hasGeolocation: () => 'geolocation' in navigator,
	async nearest(query) {
		const response = await fetch(`/api/shelters/nearest?${query}`, { signal: AbortSignal.timeout(8000) });
		if (!response.ok) throw new Error(String(response.status));
		return response.json();
	},
	snapshot: () =>
		fetch('/api/shelters/snapshot')
			.then((r) => (r.ok ? r.json() : null))
			.catch(() => null)
};

/** Shelters in a list. */
export const LIMIT = 5;

export class ShelterFinder {
	#source: () => FinderSource;
	#device: FinderDevice;

	chosenHazard = $state<string | null>(null);
	gps = $state<{ lat: number; lon: number } | null>(null);
	chosenTown = $state<string | null>(null);
	live = $state<{ answer: NearestAnswer; offline: boolean } | null>(null);
	fresher = $state<ShelterSnapshot | null>(null);
	locating = $state(false);
	/** i18n key of why the device's position is not known */
	problem = $state<string | null>(null);
	/** A township picked in the form before hydration, not yet asked for ("Find"). */
	pendingTown = $state<string | null>(null);

	readonly snap = $derived.by(() => this.fresher ?? this.#source().snapshot);
	/** The hazard in force: chosen here, else the address's, else the server's; '' for any. */
	readonly hazard = $derived.by(() => {
		const asked = this.#source().asked;
		return this.chosenHazard ?? (isHazardCode(asked) ? asked : null) ?? this.#source().hazard ?? '';
	});
	/** A township picked that has no location on file yet: no nearest, every shelter with a note. */
	readonly unlocated = $derived.by(() => (this.gps ? undefined : this.snap.towns.find((x) => x.code === (this.chosenTown ?? this.#source().unlocated) && x.lat === null)));
	readonly place = $derived.by(() => {
		if (this.gps) return this.gps;
		const seat = this.snap.towns.find((x) => x.code === this.chosenTown && x.lat !== null);
		if (seat) return { lat: seat.lat!, lon: seat.lon! };
		return this.unlocated ? null : this.#source().place;
	});
	readonly answer = $derived.by(() => this.live?.answer ?? this.#source().answer);
	/** The township shown in the form. */
	readonly town = $derived.by(() => this.pendingTown ?? this.chosenTown ?? this.#source().place?.town ?? this.#source().unlocated ?? '');
	/** Every shelter for the hazard, when no place is chosen. */
	readonly listed = $derived(this.snap.shelters.filter((s) => !this.hazard || s.hazards.includes(this.hazard)));

	constructor(source: () => FinderSource, device: FinderDevice = browser) {
		this.#source = source;
		this.#device = device;
	}

	#en(): boolean {
		return this.#source().lang === 'en';
	}

	townName(code: string | null): string {
		const town = this.snap.towns.find((x) => x.code === code);
		return town ? (this.#en() ? town.name_en : town.name_zh) : '';
	}

	/** The device's rule on the kept warning areas (the one the server applies to the answer): the reason a shelter is in one, or null. */
	inArea(s: { lat: number; lon: number }): string | null {
		const w = excludingWarning(s.lat, s.lon, this.snap.warning_areas ?? [], this.snap.exclusion ?? []);
		const rule = w && (this.snap.exclusion ?? []).find((r) => r.hazard === w.hazard);
		return rule ? (this.#en() ? rule.reason_en : rule.reason_zh) : null;
	}

	/** Once mounted: a fresher copy of the snapshot (the service worker keeps it for offline use). */
	async start(): Promise<void> {
		const s = await this.#device.snapshot();
		if (s && s.as_of > this.#source().snapshot.as_of) this.fresher = s;
	}

	/** The nearest shelters to the place: the server's answer, or the device's when the network fails. */
	async refresh(): Promise<void> {
		if (!this.place) return;
		const { lat, lon } = this.place;
		const hazard = this.hazard;
		const query = new URLSearchParams({ lat: String(lat), lon: String(lon), limit: String(LIMIT) });
		if (hazard) query.set('hazard', hazard);
		try {
			this.live = { answer: await this.#device.nearest(query), offline: false };
		} catch {
			this.live = { answer: nearestOnDevice(this.snap, lat, lon, (hazard || null) as HazardCode | null, LIMIT), offline: true };
		}
	}

	locate = async (): Promise<void> => {
		this.problem = null;
		this.locating = true;
		const here = await this.#device.locate(true);
		this.locating = false;
		if ('problem' in here) {
			this.problem = !this.#device.hasGeolocation() ? 'shelters.no_geolocation' : here.problem === 'denied' ? 'shelters.location_denied' : 'shelters.location_failed';
			return;
		}
		// Far from Miyun (a visitor still in the city): say so, and keep the whole list.
		if (!nearDistrict(here.lat, here.lon)) {
			this.problem = 'shelters.place_outside';
			return;
		}
		this.gps = here;
		this.chosenTown = null;
		this.pendingTown = null;
		await this.refresh();
	};

	/** The form's choice: a hazard ('' for any) and, if one is picked, a township instead of the device's position. */
	choose(hazard: string, town: string): Promise<void> {
		this.chosenHazard = hazard;
		this.pendingTown = null;
		if (town) {
			this.chosenTown = town;
			this.gps = null;
		}
		return this.refresh();
	}

	/**
	 * What the visitor chose in the server-rendered form before the page hydrated
	 * (lib/hydration.ts): a hazard takes effect as its change would have; a township
	 * stays in the form until "Find", as it would have.
	 */
	keepBefore(hazard: string, town: string): void {
		if (hazard !== this.hazard) this.chosenHazard = hazard;
		if (town !== this.town) this.pendingTown = town;
	}

	chooseHazard(hazard: string): Promise<void> {
		this.chosenHazard = hazard;
		return this.refresh();
	}
}
