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
  /** Whose budget it is: the account (lower-cased) of its first call that named one. */
  account?: string;
}

/** Two window ends within this much of each other are taken as the same window (as in core). */
const SAME_WINDOW_MS = 1_000;

/** A day: the longest window or pause the budget keeps, whatever a header or its storage says. */
export const DAY_MS = 86_400_000;

/** More calls than this per window is no limit Zenoti sets: a header gone wrong. */
export const MAX_LIMIT = 1_000_000;

/** `value` brought within `most` (and whole), or `undefined` when it is no number or below `least`. */
export const bounded = (value: unknown, least: number, most: number): number | undefined =>
  typeof value === 'number' && value >= least ? Math.floor(Math.min(value, most)) : undefined;

export function newBudget(limit: number, intervalMs: number): BudgetState {
  return { end: 0, used: 0, limit, intervalMs, reported: false };
}

/** Takes one permit (returns 0) or returns the ms until the window refills. Changes `state`. */
export function takePermit(state: BudgetState, now: number): number {
  // A stored window never reaches past a day from now (storage written by another version, by hand…).
  state.end = Math.min(state.end, now + DAY_MS);
  if (now >= state.end) {
    state.end = now + state.intervalMs;
    state.used = 0;
    state.reported = false;
  }
  if (state.used >= state.limit) return state.end - now;
  state.used++;
  return 0;
}

/**
 * Follows what Zenoti reported: its limit, its window's count and end, a 429's pause. Changes
 * `state`. Every number is bounded: a limit of 0 or none is ignored, one past a million is a
 * million; a reset, window or Retry-After past a day (or endless) is a day.
 */
export function observeReport(state: BudgetState, report: RateReport, now: number): void {
  const limit = bounded(report.limit, 1, MAX_LIMIT);
  const intervalMs = bounded(report.intervalMs, 1, DAY_MS);
  const remaining = bounded(report.remaining, 0, MAX_LIMIT);
  const resetMs = bounded(report.resetMs, 0, DAY_MS);
  const retryAfterMs = bounded(report.retryAfterMs, 0, DAY_MS);
  if (limit !== undefined) state.limit = limit;
  if (intervalMs !== undefined) state.intervalMs = intervalMs;
  if (remaining !== undefined && resetMs !== undefined) {
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
  if (retryAfterMs !== undefined) {
    // A 429: Zenoti's window is spent until Retry-After, when the whole limit comes back.
    state.end = now + retryAfterMs;
    state.used = state.limit;
    state.reported = true;
  }
}
