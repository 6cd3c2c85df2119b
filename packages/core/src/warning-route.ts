import type { Emitter, WarningEvent } from './events.ts';
import { processWide } from './registry.ts';

type Source = WarningEvent['source'];
type Level = WarningEvent['level'];

/**
 * How an engine hears the warnings of a store or budget it uses (`TokenStore.addWarningListener`,
 * `RateBudget.addWarningListener`): it tells them to its listeners as a `warning` event and returns
 * `true`, or `false` when it has no listener for them.
 */
export type WarningListener = (message: string, level: Level) => boolean;

/** Most warnings kept for the first engine: those told before any engine used the store or budget. */
const MAX_HELD = 20;

/** A warning that no engine listened to: the console, as the app's last resort. */
function toConsole(message: string, level: Level): void {
  if (level === 'info') console.info(message);
  else console.warn(message);
}

/**
 * Where the warnings of a store or a budget go (its author makes one; `RedisTokenStore` and the
 * Durable Object store do): to `onWarning` when the app gave one; else, as `warning` events, to the
 * first engine using it that listens to warnings, so that a store shared by several engines says a
 * thing once, not once per engine; else to the console. Warnings told before any engine used it
 * (a store's constructor, a client's first connection error) wait for the first engine. Engines are
 * held weakly: one nobody uses any more is not kept alive by its store.
 */
export class WarningRoute {
  readonly #onWarning: ((message: string) => void) | undefined;
  readonly #engines = new Set<WeakRef<WarningListener>>();
  /** The size at which the engines gone are swept out (amortised: a process may make many engines). */
  #sweepAt = 16;
  /** Warnings told before the first engine came; `undefined` once it came. */
  #held: [message: string, level: Level][] | undefined = [];

  constructor(onWarning?: ((message: string) => void) | undefined) {
    this.#onWarning = onWarning;
  }

  /** An engine's listener (held weakly: the engine keeps it); the first also hears the warnings held. */
  add(listener: WarningListener): void {
    const engines = this.#engines;
    if (engines.size >= this.#sweepAt) {
      for (const ref of engines) if (ref.deref() === undefined) engines.delete(ref);
      this.#sweepAt = Math.max(16, engines.size * 2);
    }
    engines.add(new WeakRef(listener));
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const [message, level] of held) this.#deliver(message, level);
  }

  /** Tells a warning: `level` `'info'` when it says that a trouble is over. Never throws. */
  warn(message: string, level: Level = 'warn'): void {
    if (this.#onWarning || !this.#held) this.#deliver(message, level);
    else if (this.#held.length < MAX_HELD) this.#held.push([message, level]);
  }

  #deliver(message: string, level: Level): void {
    try {
      if (this.#onWarning) {
        this.#onWarning(message);
        return;
      }
      for (const ref of this.#engines) {
        const listener = ref.deref();
        if (listener === undefined) this.#engines.delete(ref);
        else if (listener(message, level)) return;
      }
      toConsole(message, level);
    } catch {
      // A failing warning sink must not break the store or the budget.
    }
  }
}

/** The route of core's own warnings about `target`, a store or a budget: one per process. */
export function warningRouteOf(target: object): WarningRoute {
  return processWide('@zenoti-auth/core/v2/warning-routes', target, () => new WarningRoute());
}

/** The listener an engine gives the routes of its store or budget. Keep it as long as the engine: routes hold it weakly. */
export function warningListener(events: Emitter, source: Source): WarningListener {
  return (message, level) => events.emit({ type: 'warning', message, source, level });
}

/** Tells a warning about one engine's own work to its listeners; when none listens, to the console. */
export function warnOf(events: Emitter, source: Source, message: string): void {
  if (!events.emit({ type: 'warning', message, source, level: 'warn' })) toConsole(message, 'warn');
}
