import type { RateReport } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { describe, expect, it } from 'vitest';
import { DAY_MS, newBudget, observeReport, takePermit } from '../src/object-budget.ts';

type Step = [atMs: number, 'take'] | [atMs: number, 'observe', RateReport];

/**
 * The object keeps its window in storage, so it cannot hold a `MemoryRateBudget`; it follows the
 * same rules. This runs one script of takes and Zenoti reports through both and compares every
 * answer, so that a change of core's rules shows here.
 */
function bothAnswers(steps: Step[]): [core: number[], object: number[]] {
  let now = 1_000_000;
  const core = new MemoryRateBudget({ limit: 5, intervalMs: 2_000, now: () => now });
  const state = newBudget(5, 2_000);
  const answers: [number[], number[]] = [[], []];
  for (const [at, op, report] of steps) {
    now = 1_000_000 + at;
    if (op === 'take') {
      answers[0].push(core.take());
      answers[1].push(takePermit(state, now));
    } else {
      core.observe(report as RateReport);
      observeReport(state, report as RateReport, now);
    }
  }
  return answers;
}

const takes = (at: number, n: number): Step[] => Array.from({ length: n }, () => [at, 'take'] as Step);

describe("the object's rate budget follows core's MemoryRateBudget", () => {
  it.each<[string, Step[]]>([
    ['a window spent, then refilled', [...takes(0, 7), ...takes(1_999, 1), ...takes(2_000, 6)]],
    [
      "Zenoti's report of its own window (earlier end, higher count)",
      [
        ...takes(0, 1),
        [100, 'observe', { remaining: 1, resetMs: 1_000 }],
        ...takes(200, 3),
        ...takes(1_150, 2),
      ],
    ],
    [
      'within one window, the earliest reported end stands',
      [
        ...takes(0, 1),
        [100, 'observe', { remaining: 3, resetMs: 1_900 }],
        [300, 'observe', { remaining: 2, resetMs: 1_200 }],
        [400, 'observe', { remaining: 2, resetMs: 1_700 }],
        ...takes(500, 3),
        ...takes(1_550, 1),
      ],
    ],
    [
      'a 429 spends the window until Retry-After',
      [...takes(0, 1), [10, 'observe', { retryAfterMs: 3_000 }], ...takes(20, 1), ...takes(3_010, 1)],
    ],
    [
      'a higher limit and another window announced',
      [[0, 'observe', { limit: 8, intervalMs: 1_000 }], ...takes(0, 9), ...takes(1_000, 2)],
    ],
  ])('%s', (_, steps) => {
    const [core, object] = bothAnswers(steps);
    expect(object).toEqual(core);
  });
});

describe("the object's rate budget is bounded", () => {
  it('brings a stored window past a day within a day, and an absurd report too', () => {
    const now = 1_000_000;
    const state = { ...newBudget(2, 60_000), end: now + 1e12, used: 2 };
    expect(takePermit(state, now)).toBe(DAY_MS);
    observeReport(state, { limit: 0, intervalMs: Number.POSITIVE_INFINITY, retryAfterMs: Number.NaN }, now);
    expect(state).toMatchObject({ limit: 2, intervalMs: DAY_MS });
    observeReport(state, { remaining: -5, resetMs: 1e15, limit: 1e300 }, now);
    expect(state).toMatchObject({ end: now + DAY_MS, limit: 1_000_000 });
  });
});
