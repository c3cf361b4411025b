/**
 * Drag and pinch zoom of an SVG by its viewBox: pointer events only, no map library
 * (the page's JavaScript budget is 30 KB and the map must work with none at all).
 * A drag longer than a few pixels swallows the click that ends it, so panning over a
 * feature does not open its page.
 */
export type ViewBox = { x: number; y: number; w: number; h: number };

const MIN_WIDTH = 40; // ~3 km across at district scale
const CLICK_SLOP_PX = 6;

export class Zoom {
	box = $state<ViewBox>({ x: 0, y: 0, w: 1000, h: 1000 });
	#home: ViewBox;
	#pointers = new Map<number, { x: number; y: number }>();
	#moved = 0;

	constructor(home: ViewBox) {
		this.#home = { ...home };
		this.box = { ...home };
	}

	get scale(): number {
		return this.box.w / this.#home.w;
	}

	reset(home?: ViewBox): void {
		if (home) this.#home = { ...home };
		this.box = { ...this.#home };
	}

	/** Zooms by `factor` (>1 = closer) keeping the map point at (fx, fy) (fractions of the view) still. */
	zoomBy(factor: number, fx = 0.5, fy = 0.5): void {
		const w = Math.min(this.#home.w * 1.5, Math.max(MIN_WIDTH, this.box.w / factor));
		const h = (w * this.box.h) / this.box.w;
		this.box = { x: this.box.x + (this.box.w - w) * fx, y: this.box.y + (this.box.h - h) * fy, w, h };
	}

	#units(svg: SVGSVGElement): number {
		return this.box.w / Math.max(1, svg.getBoundingClientRect().width);
	}

	down = (e: PointerEvent): void => {
		this.#pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
		if (this.#pointers.size === 1) this.#moved = 0;
	};

	move = (e: PointerEvent): void => {
		const last = this.#pointers.get(e.pointerId);
		if (!last) return;
		const svg = e.currentTarget as SVGSVGElement;
		if (this.#pointers.size === 1) {
			const dx = e.clientX - last.x;
			const dy = e.clientY - last.y;
			this.#moved += Math.abs(dx) + Math.abs(dy);
			if (this.#moved > CLICK_SLOP_PX) svg.setPointerCapture?.(e.pointerId);
			const u = this.#units(svg);
			this.box = { ...this.box, x: this.box.x - dx * u, y: this.box.y - dy * u };
		} else if (this.#pointers.size === 2) {
			const [a, b] = [...this.#pointers.entries()].map(([id, p]) => (id === e.pointerId ? { x: e.clientX, y: e.clientY } : p));
			const [pa, pb] = [...this.#pointers.values()];
			const before = Math.hypot(pa!.x - pb!.x, pa!.y - pb!.y);
			const after = Math.hypot(a!.x - b!.x, a!.y - b!.y);
			const rect = svg.getBoundingClientRect();
			if (before > 0) this.zoomBy(after / before, ((a!.x + b!.x) / 2 - rect.left) / rect.width, ((a!.y + b!.y) / 2 - rect.top) / rect.height);
			this.#moved += CLICK_SLOP_PX + 1;
		}
		this.#pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
	};

	up = (e: PointerEvent): void => {
		this.#pointers.delete(e.pointerId);
	};

	wheel = (e: WheelEvent): void => {
		e.preventDefault();
		const rect = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
		this.zoomBy(e.deltaY < 0 ? 1.25 : 0.8, (e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height);
	};

	/** Capture-phase click: a drag's closing click must not follow a link. */
	click = (e: MouseEvent): void => {
		if (this.#moved > CLICK_SLOP_PX) {
			e.preventDefault();
			e.stopPropagation();
		}
	};

	/** Whether the last gesture was a tap (not a drag or pinch). */
	get tapped(): boolean {
		return this.#moved <= CLICK_SLOP_PX;
	}
}
