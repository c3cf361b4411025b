/**
 * A two-tone siren made with Web Audio (no sound file to download or cache). Browsers
 * let a page play sound only after the person has interacted with it; when the context
 * stays suspended, `start` answers false and the alert offers a button for the sound.
 */
export class Siren {
	#context: AudioContext | null = null;
	#stop: (() => void) | null = null;

	get playing(): boolean {
		return this.#stop !== null;
	}

	async start(): Promise<boolean> {
		if (this.#stop) return true;
		try {
			this.#context ??= new AudioContext();
			const ctx = this.#context;
			if (ctx.state !== 'running') await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 300))]);
			if (ctx.state !== 'running') return false;
			const osc = ctx.createOscillator();
			const gain = ctx.createGain();
			osc.type = 'square';
			gain.gain.value = 0.25;
			osc.connect(gain).connect(ctx.destination);
			// 960 / 770 Hz alternating every 0.4 s for two minutes (long enough for any countdown)
			const t0 = ctx.currentTime;
			for (let i = 0; i < 300; i++) osc.frequency.setValueAtTime(i % 2 ? 770 : 960, t0 + i * 0.4);
			osc.start();
			this.#stop = () => {
				try {
					osc.stop();
				} catch {
					/* stopped already */
				}
				osc.disconnect();
			};
			return true;
		} catch {
			return false;
		}
	}

	stop(): void {
		this.#stop?.();
		this.#stop = null;
	}
}
