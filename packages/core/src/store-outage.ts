import { isZenotiAuthError } from './errors.ts';
import { processWide } from './registry.ts';
import type { TokenStore } from './types.ts';
import { warningRouteOf } from './warning-route.ts';

/** An outage ends at the first success after this long without a failure (partial failures flap). */
const RECOVERED_AFTER_MS = 1_000;

/**
 * A safe description of why a store failed: a zenoti-auth error's own message (written to be shown;
 * a store's tag such as `[@zenoti-auth/redis] ` dropped), else only the error's class name — a custom
 * store's message may hold anything.
 */
function describe(error: unknown): string {
  // Its tag and final full stop dropped: the description goes inside parentheses of a sentence.
  if (isZenotiAuthError(error)) return error.message.replace(/^\[@zenoti-auth\/[a-z-]+\] |\.$/g, '');
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && /^\w{1,60}$/.test(name) ? name : 'an unknown error';
}

/**
 * Tells the app (as `warning` events) that its shared token store fails, and that it answers again:
 * once each per outage, however many commands fail meanwhile, and however many engines of this
 * process use the store (one record per store: see `storeOutageOf`). Real time throughout.
 */
export class StoreOutage {
  readonly #store: TokenStore;
  #down = false;
  #since = 0;
  #lastFailure = 0;
  /** Why the last command failed (a safe description), for `healthOf()`. */
  lastError: { message: string; at: number } | undefined;

  constructor(store: TokenStore) {
    this.#store = store;
  }

  /** Whether the store is in an outage. */
  get down(): boolean {
    return this.#down;
  }

  /** A command failed; `seen`: this process holds a token set of the key it was about. */
  failed(error: unknown, seen: boolean): void {
    const now = Date.now();
    this.#lastFailure = now;
    this.lastError = { message: describe(error), at: now };
    if (this.#down) return;
    this.#down = true;
    this.#since = now;
    this.#warn(
      `Token store fails (${this.lastError.message}); this process carries on alone${seen ? ' with the last token set it saw' : ''} until it answers.`,
    );
  }

  /** A command succeeded: the outage is over once no command has failed for a while. */
  answered(): void {
    if (!this.#down) return;
    const now = Date.now();
    if (now - this.#lastFailure < RECOVERED_AFTER_MS) return;
    this.#down = false;
    this.#warn(`Token store answers again, after ${((now - this.#since) / 1_000).toFixed(1)} s.`, 'info');
  }

  /**
   * To the first engine of the store that listens (else the console): one line, not one per engine.
   * Nothing for a store that tells its outages itself: its warning has said it, with the cause.
   */
  #warn(message: string, level: 'warn' | 'info' = 'warn'): void {
    if (this.#store.reportsOutages === true) return;
    warningRouteOf(this.#store).warn(`[@zenoti-auth/core] ${message}`, level);
  }
}

/** The outage record of `store`, one per process: shared by every engine that uses the store. */
export function storeOutageOf(store: TokenStore): StoreOutage {
  return processWide('@zenoti-auth/core/v2/store-outages', store, () => new StoreOutage(store));
}
