import { ZenotiAuth } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import { type Benchmark, type BenchResult, fmt, median, pairedRounds } from './harness.ts';

/** Calls per engine per round, with CONCURRENCY in flight; short rounds, many of them (see #2). */
const REQUESTS = 200;
const CONCURRENCY = 16;
/** Even, so that each side runs first in half of the rounds. As many as #2: a 5 % bound is fine. */
const ROUNDS = 120;
const WARM_UP_ROUNDS = 2;
/** The same with a fetch that answers at once: what is left is the engine's own work per call. */
const INSTANT_REQUESTS = 5_000;
const INSTANT_ROUNDS = 40;
/** A limit that never runs out in this benchmark, for the mock and for the budget. */
const FREE = 1_000_000_000;

/** µs per call: `requests` calls of `auth.fetch()` with CONCURRENCY in flight, wall time ÷ calls. */
async function usPerCall(auth: ZenotiAuth, requests: number): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next++;
      const response = await auth.fetch('/v1/centers?size=1');
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`status ${response.status}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return ((performance.now() - started) * 1_000) / requests;
}

type Side = 'budget' | 'none' | 'noneAgain';

/** The engines compared: the same options, one with a budget that always has a permit. */
function engines(options: { baseUrl: string; fetch?: typeof fetch }): Record<Side, ZenotiAuth> {
  return {
    budget: new ZenotiAuth({
      apiKey: D.apiKey,
      ...options,
      rateLimit: { budget: new MemoryRateBudget({ limit: FREE, intervalMs: 60_000 }) },
    }),
    none: new ZenotiAuth({ apiKey: D.apiKey, ...options }),
    // The same engine again: the A/A pair whose ratio shows how fine this comparison is.
    noneAgain: new ZenotiAuth({ apiKey: D.apiKey, ...options }),
  };
}

/** An answer as the mock gives it under a limit that is far from spent, at once (no network). */
const answerAtOnce = async (): Promise<Response> =>
  new Response('{"centers":[]}', {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'organization-ratelimit-limit': `${FREE};w=60;b=${FREE}`,
      'ratelimit-remaining': String(FREE - 1),
      'ratelimit-reset': '60',
    },
  });

/** #10: what taking a permit costs a call when the budget is never short (one process, MemoryRateBudget). */
export const permitCost: Benchmark = {
  id: 10,
  name: 'permit cost with a free budget',
  async run(): Promise<BenchResult> {
    // The mock counts every call against a limit that never runs out, and sends Zenoti's rate-limit
    // headers on every answer, as Zenoti does: both engines read them, the budget follows them.
    const zenoti = await startMockZenoti({ rateLimit: { limit: FREE, windowSeconds: 60 } });
    try {
      const network = engines({ baseUrl: zenoti.url });
      const [paired, aa] = await pairedRounds(
        [
          ['budget', 'none'],
          ['noneAgain', 'none'],
        ],
        { rounds: ROUNDS, warmUp: WARM_UP_ROUNDS },
        (side) => usPerCall(network[side], REQUESTS),
      );
      const instant = engines({ baseUrl: zenoti.url, fetch: answerAtOnce });
      const [alone] = await pairedRounds(
        [['budget', 'none']],
        { rounds: INSTANT_ROUNDS, warmUp: 1 },
        (side) => usPerCall(instant[side], INSTANT_REQUESTS),
      );
      if (!paired || !aa || !alone) throw new Error('no rounds measured');
      const limited = zenoti.control.counters().resources.byStatus['429'] ?? 0;
      if (limited > 0) throw new Error(`the mock answered 429 ${limited}× under a free limit`);
      const quartiles = (values: number[]): string => {
        const sorted = [...values].sort((a, b) => a - b);
        const at = (q: number): number => sorted[Math.floor(q * (sorted.length - 1))] as number;
        return `${fmt(at(0.25), 3)}–${fmt(at(0.75), 3)}`;
      };
      return {
        id: 10,
        name: 'permit cost: auth.fetch() to the mock with a MemoryRateBudget that never runs out (µs per call)',
        unit: 'µs/call',
        value: median(paired.variant),
        baselineName: 'the same engine without a budget',
        baseline: median(paired.baseline),
        ratio: paired.ratio,
        target: '≤ 1.05×',
        pass: paired.ratio <= 1.05,
        aa,
        notes: [
          `#10: one process, API key, ${REQUESTS} GET /v1/centers per engine per round with ${CONCURRENCY} in flight, ${ROUNDS} rounds (ABBA) after ${WARM_UP_ROUNDS} warm-up; µs per call = wall time ÷ calls; the ratio is the median of the per-round ratios (quartiles ${quartiles(paired.ratios)}); A/A (two engines without a budget): ${fmt(aa.ratio, 3)}× (quartiles ${quartiles(aa.ratios)}). The mock's limit is ${FREE.toLocaleString('en-US')} per 60 s (its headers on every answer); the budget: MemoryRateBudget({ limit: ${FREE.toLocaleString('en-US')}, intervalMs: 60000 }).`,
          `#10 engine cost alone (a fetch that answers at once with the same headers, ${INSTANT_REQUESTS} calls per round, ${INSTANT_ROUNDS} rounds): ${fmt(median(alone.variant), 2)} µs/call with the budget vs ${fmt(median(alone.baseline), 2)} µs/call without: ${fmt(alone.ratio, 3)}× (quartiles ${quartiles(alone.ratios)}).`,
        ],
      };
    } finally {
      await zenoti.close();
    }
  },
};
