/**
 * One rate-limit level (an organisation's, or one API's) of one organisation: what is left, and when
 * it comes back. Header values are whole seconds, rounded up, as Zenoti's header table gives them.
 */
export interface Meter {
  /** Whether one call is available at `now`. */
  available(now: number): boolean;
  /** Counts one call at `now` (call only when `available`). */
  take(now: number): void;
  /** Calls left at `now`, a whole number (`RateLimit-Remaining`). */
  remaining(now: number): number;
  /** `RateLimit-Reset`: seconds until the level is full again. */
  resetSeconds(now: number): number;
  /** `Retry-After` on a 429: seconds until one call is available, at least 1. */
  retryAfterSeconds(now: number): number;
}

/** Whole seconds, rounded up, at least 1: a wait announced to a client is never "0 s". */
const waitSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/**
 * Zenoti's documented reading: the whole `limit` comes back at each window's start. A window opens
 * at the first call counted after the previous window ended (so with a frozen clock
 * `RateLimit-Reset` is the full window), and lasts `windowMs`.
 */
export class WindowMeter implements Meter {
  #start: number | undefined;
  #used = 0;
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Closes the window once its time is up: every call is available again. */
  #roll(now: number): void {
    if (this.#start !== undefined && now >= this.#start + this.#windowMs) {
      this.#start = undefined;
      this.#used = 0;
    }
  }

  /** Milliseconds until the running window ends (the full window when none runs). */
  #msLeft(now: number): number {
    if (this.#start === undefined) return this.#windowMs;
    // A clock set back never stretches a window past its length.
    return Math.min(this.#windowMs, this.#start + this.#windowMs - now);
  }

  available(now: number): boolean {
    this.#roll(now);
    return this.#used < this.#limit;
  }

  take(now: number): void {
    this.#roll(now);
    this.#start ??= now;
    this.#used++;
  }

  remaining(now: number): number {
    this.#roll(now);
    return this.#limit - this.#used;
  }

  resetSeconds(now: number): number {
    this.#roll(now);
    return waitSeconds(this.#msLeft(now));
  }

  retryAfterSeconds(now: number): number {
    return this.resetSeconds(now);
  }
}

/**
 * The forgiving reading: `limit` calls refill continuously over the window, up to `capacity`
 * (`burst`); the bucket starts full. `calls` may be fractional while it refills.
 */
export class BucketMeter implements Meter {
  #calls: number;
  #updatedAt: number | undefined;
  readonly #capacity: number;
  readonly #perMs: number;

  constructor(limit: number, windowMs: number, capacity: number) {
    this.#capacity = capacity;
    this.#perMs = limit / windowMs;
    this.#calls = capacity;
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - (this.#updatedAt ?? now));
    this.#calls = Math.min(this.#capacity, this.#calls + elapsed * this.#perMs);
    this.#updatedAt = now;
  }

  available(now: number): boolean {
    this.#refill(now);
    // Tolerate float error so that an exact refill counts as a whole call.
    return this.#calls >= 1 - 1e-9;
  }

  take(now: number): void {
    this.#refill(now);
    this.#calls = Math.max(0, this.#calls - 1);
  }

  remaining(now: number): number {
    this.#refill(now);
    return Math.floor(this.#calls + 1e-9);
  }

  resetSeconds(now: number): number {
    this.#refill(now);
    // 0 once the bucket is full: nothing is waiting to come back.
    return Math.max(0, Math.ceil((this.#capacity - this.#calls) / this.#perMs / 1000 - 1e-9));
  }

  retryAfterSeconds(now: number): number {
    this.#refill(now);
    return Math.max(1, Math.ceil((1 - this.#calls) / this.#perMs / 1000 - 1e-9));
  }
}
