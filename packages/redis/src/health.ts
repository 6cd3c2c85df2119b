import { causeOf } from './cause.ts';
import { TAG } from './errors.ts';

/**
 * Tells the person running the app why Redis fails, without flooding the log: during one outage
 * (from the first failure to the next command that succeeds) each cause is reported once, and the
 * end of the outage once. Causes come from failed commands and from the client's `error` events.
 */
export class Health {
  /** The causes reported during the current outage; empty while Redis answers. */
  readonly #reported = new Set<string>();
  readonly #warn: (message: string) => void;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  failed(cause: string): void {
    if (this.#reported.has(cause) || this.#reported.size >= 20) return;
    this.#reported.add(cause);
    this.#warn(
      `${TAG}Redis fails: ${cause}. Token sets, the lock and the rate budget are not shared meanwhile; this process carries on alone.`,
    );
  }

  ok(): void {
    if (this.#reported.size === 0) return;
    this.#reported.clear();
    this.#warn(`${TAG}Redis answers again; sharing resumes.`);
  }
}

interface Watched {
  /** The last connection error the client reported since it was last ready, for "not connected" failures. */
  lastError: string | undefined;
  readonly healths: Set<Health>;
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
