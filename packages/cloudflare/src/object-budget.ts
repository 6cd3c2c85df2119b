import type { RateReport } from '@zenoti-auth/core';

/**
 * The rate budget as the object keeps it: Zenoti's window (the whole `limit` back when it ends, as
 * Zenoti documents it), by the same rules as core's `MemoryRateBudget`, on the object's clock.
 */
export interface BudgetState {
  /** When the current window ends (0: none yet). */
  end: number;
  /** Calls taken in the current window. */
  used: number;
  limit: number;
  intervalMs: number;
  /** Whether `end` came from Zenoti's report (else it is the object's own guess). */
  reported?: boolean;
}

/** Two window ends within this much of each other are taken as the same window (as in core). */
const SAME_WINDOW_MS = 1_000;

export function newBudget(limit: number, intervalMs: number): BudgetState {
  return { end: 0, used: 0, limit, intervalMs, reported: false };
}

/** Takes one permit (returns 0) or returns the ms until the window refills. Changes `state`. */
export function takePermit(state: BudgetState, now: number): number {
  if (now >= state.end) {
    state.end = now + state.intervalMs;
    state.used = 0;
    state.reported = false;
  }
  if (state.used >= state.limit) return state.end - now;
  state.used++;
  return 0;
}

/** Follows what Zenoti reported: its limit, its window's count and end, a 429's pause. Changes `state`. */
export function observeReport(state: BudgetState, report: RateReport, now: number): void {
  const { limit, intervalMs, remaining, resetMs, retryAfterMs } = report;
  if (typeof limit === 'number' && limit >= 1) state.limit = Math.floor(limit);
  if (typeof intervalMs === 'number' && intervalMs > 0) state.intervalMs = intervalMs;
  if (typeof remaining === 'number' && typeof resetMs === 'number') {
    const reportedEnd = now + resetMs;
    const spent = Math.max(0, state.limit - remaining);
    // Zenoti's window is the truth, and a report's end is never before it (Reset is whole seconds
    // rounded up, counted from the answer): within the same window the earliest reported end stands
    // (the object's own guess gives way to any report), and the higher count.
    if (Math.abs(reportedEnd - state.end) > SAME_WINDOW_MS) {
      state.end = reportedEnd;
      state.used = spent;
    } else {
      state.end = state.reported ? Math.min(state.end, reportedEnd) : reportedEnd;
      state.used = Math.max(state.used, spent);
    }
    state.reported = true;
  }
  if (typeof retryAfterMs === 'number' && retryAfterMs >= 0) {
    // A 429: Zenoti's window is spent until Retry-After, when the whole limit comes back.
    state.end = now + retryAfterMs;
    state.used = state.limit;
    state.reported = true;
  }
}
