import {
  type Fault,
  type FaultFigures,
  LIMIT,
  PROCESSES,
  throughFault as run,
} from '@zenoti-auth/test-support/fault-fleet';
import { FLEET_WORKER } from './fleet.ts';

export type { Fault, FaultFigures } from '@zenoti-auth/test-support/fault-fleet';

/** Runs the fleet of the fault matrix through `fault` (see @zenoti-auth/test-support/fault-fleet). */
export const throughFault = (fault: Fault): Promise<FaultFigures> => run(fault, { worker: FLEET_WORKER });

/**
 * The most 429s a fault may cost when `alone` of the processes cannot reach Redis for `ms`. When
 * every process paces alone (at `limit ÷ fleetSize` each), they stay within the limit together: a
 * few 429s where a window of Zenoti's and one of a process begin apart (whole seconds of
 * `RateLimit-Reset` against 1 s windows), and when the shared budget comes back a little behind
 * (a failover's replica): two per process at most. When only some pace alone, the others keep
 * the shared budget, so the fleet may pass the limit by their share per window until Zenoti's reports
 * tell the shared budget. Without `fleetSize` each process would pace at the whole limit: hundreds.
 */
export function rateBound(alone: number, ms: number): number {
  const transitions = 2 * PROCESSES;
  return alone === PROCESSES
    ? transitions
    : transitions + alone * (LIMIT.calls / PROCESSES) * Math.ceil(ms / LIMIT.windowMs);
}

/** The promises of the fleet through any fault (issue 23); `alone`: the processes the fault cut off. */
export function expectPromisesKept(
  f: FaultFigures,
  expect: typeof import('vitest').expect,
  alone = PROCESSES,
): void {
  expect(f.refreshTokensReused).toBe(0); // a refresh token is never sent twice …
  expect(f.sessionsEnded).toBe(0); // … so no session ends
  // No call fails while its process can read the shared store. One that cannot read it cannot see
  // the token the rest of the fleet refreshed (which killed its own): its call may meet that 401
  // twice, or Zenoti's 429 when a fleet cut in two passes the limit; typed, and bounded.
  expect(f.failedWhileShared).toBe(0);
  const failed = Object.entries(f.callerErrors);
  expect(failed.filter(([code]) => !/^(UNAUTHORIZED|RATE_LIMITED|TIMEOUT)\b/.test(code))).toEqual([]);
  expect(failed.reduce((n, [, times]) => n + times, 0)).toBeLessThanOrEqual(2 * PROCESSES * 3);
  expect(f.rateLimited).toBeLessThanOrEqual(rateBound(alone, f.faultMs)); // outage pacing (fleetSize)
  expect(f.longestGapMs).toBeLessThanOrEqual(f.faultMs + 2_000); // served again within the fault + 2 s
  expect(f.refreshesAfter).toBeGreaterThan(0); // the fleet refreshes under its lock again
  for (const told of f.outageWarnings) {
    expect(told.fails).toBeLessThanOrEqual(2); // one warning per outage …
    expect(told.recovered).toBeLessThanOrEqual(2); // … and one per recovery
  }
  expect(f.unnamedCauses).toBe(0);
}
