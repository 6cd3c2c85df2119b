/** The mock's clock: a base time source plus an offset that `advanceTime()` moves forward. */
export class Clock {
  #offset = 0;
  readonly #base: () => number;

  constructor(base: () => number = Date.now) {
    this.#base = base;
  }

  now(): number {
    return this.#base() + this.#offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new Error(`zenoti-mock: advanceTime(ms) needs a finite number ≥ 0, got ${String(ms)}`);
    }
    this.#offset += ms;
  }

  reset(): void {
    this.#offset = 0;
  }
}
