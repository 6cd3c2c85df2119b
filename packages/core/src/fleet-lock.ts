import type { ResilientStore } from './resilient-store.ts';
import type { LockOutcome } from './store-answers.ts';

/** How long a cross-process refresh lock is held at most. */
const LOCK_TTL_MS = 30_000;
/** Longest wait for a lock held elsewhere while the token in hand is alive (it serves meanwhile). */
const LIVE_LOCK_WAIT_MS = 1_000;

/**
 * Asks for the fleet's lock on `key`. The wait for another process's lock is bounded by the same
 * deadline as a token call; while the token in hand is alive (`alive()`, asked again when the
 * short wait ends), by a short one: it serves meanwhile, so the fleet never stalls behind one slow
 * holder.
 */
export async function takeFleetLock(
  store: ResilientStore,
  key: string,
  alive: () => boolean,
  deadline: number,
): Promise<LockOutcome> {
  const wait = new AbortController();
  const stop = () => wait.abort();
  const timers = [setTimeout(stop, deadline)];
  if (alive()) timers.push(setTimeout(() => alive() && stop(), Math.min(LIVE_LOCK_WAIT_MS, deadline)));
  try {
    return await store.lock(`${key}:lock`, LOCK_TTL_MS, wait.signal);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}
