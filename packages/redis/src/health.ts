import { causeOf } from './cause.ts';
import { TAG } from './errors.ts';

/** An outage ends at the first success after this long without a failure: partial failures flap. */
const RECOVERED_AFTER_MS = 1_000;
/** How long a vague cause ("not connected") waits for the client to say why, before it is told. */
const VAGUE_WAIT_MS = 1_000;
/** Most further causes an outage remembers, for the warning that ends it. */
const MAX_CAUSES = 5;

/**
 * Tells the person running the app why Redis fails, without flooding the log: one warning when an
 * outage starts (its first cause) and one when it ends (with the other causes met meanwhile). An
 * outage ends at the first success after a second without failures, so that a cluster whose
 * commands fail on one node and succeed on another makes one outage, not a pair of warnings per
 * command. Causes come from failed commands and from the client's `error` events; a vague one (a
 * client that only says it is not connected) waits a second for the client to say why.
 */
/** Tells a warning; `'info'` when it says that a trouble is over. */
export type Warn = (message: string, level?: 'warn' | 'info') => void;

export class Health {
  readonly #warn: Warn;
  #down = false;
  #told = false;
  /** Its outage's cause was told by another store or budget on the same client: nothing to say. */
  #quiet = false;
  /** The causes told on this health's client, by whom (see `watch`): one warning per cause. */
  #toldOnClient: Map<string, Health> | undefined;
  #since = 0;
  #lastFailure = 0;
  /** The causes met during the current outage, the one told first. */
  #causes = new Set<string>();

  constructor(warn: Warn) {
    this.#warn = warn;
  }

  /** Shares what is told with the other stores and budgets of one client (`watch`). */
  shareClient(told: Map<string, Health>): void {
    this.#toldOnClient = told;
  }

  failed(cause: string, vague = false): void {
    const now = Date.now();
    this.#lastFailure = now;
    if (!this.#down) {
      this.#down = true;
      this.#told = false;
      this.#since = now;
      this.#causes.clear();
    }
    if (!this.#told && (!vague || now - this.#since >= VAGUE_WAIT_MS)) {
      this.#told = true;
      this.#causes.delete(cause);
      this.#causes = new Set([cause, ...this.#causes]);
      // A store and a budget on one client meet the same outage: the first to tell its cause does.
      const teller = this.#toldOnClient?.get(cause);
      this.#quiet = teller !== undefined && teller !== this && teller.#down;
      if (this.#quiet) return;
      this.#toldOnClient?.set(cause, this);
      this.#warn(
        `${TAG}Redis fails: ${cause}. Token sets, the lock and the rate budget are not shared meanwhile; this process carries on alone.`,
      );
    } else if (this.#causes.size < MAX_CAUSES) this.#causes.add(cause);
  }

  ok(): void {
    if (!this.#down) return;
    const now = Date.now();
    if (now - this.#lastFailure < RECOVERED_AFTER_MS) return;
    this.#down = false;
    for (const [cause, teller] of this.#toldOnClient ?? [])
      if (teller === this) this.#toldOnClient?.delete(cause);
    if (!this.#told || this.#quiet) return; // too short and vague to have been told of, or told by another
    const others = [...this.#causes].slice(1);
    this.#warn(
      `${TAG}Redis answers again after ${((now - this.#since) / 1_000).toFixed(1)} s${others.length ? ` (also met: ${others.join('; ')})` : ''}; sharing resumes.`,
      'info',
    );
  }
}

interface Watched {
  /** The last connection error the client reported since it was last ready, for "not connected" failures. */
  lastError: string | undefined;
  readonly healths: Set<Health>;
  /** The causes told during an outage, by the health that told each: told once per client. */
  readonly told: Map<string, Health>;
  readonly off: () => void;
}

interface EventClient {
  on(event: string, listener: (error?: unknown) => void): unknown;
  off?(event: string, listener: (error?: unknown) => void): unknown;
  removeListener?(event: string, listener: (error?: unknown) => void): unknown;
}

/** One `error` and one `ready` listener per client, shared by every store and budget on it. */
const watchedClients = new WeakMap<object, Watched>();

/**
 * Listens to the client's `error` events and reports their cause to `health`. Being a listener,
 * this also stops ioredis printing "Unhandled error event" and node-redis exiting the process on
 * a connection error: the warnings say it instead. Returns what to call on close.
 */
export function watch(client: object, health: Health): { lastError(): string | undefined; stop(): void } {
  const w = watchedClients.get(client) ?? watchClient(client as EventClient);
  w.healths.add(health);
  health.shareClient(w.told);
  return {
    lastError: () => w.lastError,
    stop() {
      // Once per health; the listeners go with the client's last store or budget.
      if (!w.healths.delete(health) || w.healths.size > 0) return;
      w.off();
      watchedClients.delete(client);
    },
  };
}

function watchClient(c: EventClient): Watched {
  const onError = (error: unknown): void => {
    const cause = causeOf(error);
    watched.lastError = cause;
    for (const each of watched.healths) each.failed(cause);
  };
  const onReady = (): void => {
    watched.lastError = undefined;
  };
  const watched: Watched = {
    lastError: undefined,
    healths: new Set(),
    told: new Map(),
    off: () => {
      for (const [event, listener] of [
        ['error', onError],
        ['ready', onReady],
      ] as const)
        (c.off ?? c.removeListener)?.call(c, event, listener);
    },
  };
  c.on('error', onError);
  c.on('ready', onReady);
  watchedClients.set(c, watched);
  return watched;
}
