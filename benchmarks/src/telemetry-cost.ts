import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ZenotiAuth } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import { zenotiTelemetry } from '@zenoti-auth/opentelemetry';
import { baselineCheckout } from './baseline.ts';
import { type Benchmark, type BenchResult, fmt, median, type Paired, pairedRounds } from './harness.ts';

/** The last commit before issue 25 (the instrumentation hook): the engine without it. */
export const BEFORE_ISSUE_25 = '97c8a43';

/** As #10: calls per engine per round, CONCURRENCY in flight, many short rounds (ABBA). */
const REQUESTS = 200;
const CONCURRENCY = 16;
const ROUNDS = 120;
const WARM_UP_ROUNDS = 2;
/** The same with a fetch that answers at once: what is left is the engine's own work per call. */
const INSTANT_REQUESTS = 5_000;
const INSTANT_ROUNDS = 40;
/** A limit that never runs out: the mock sends Zenoti's rate-limit headers on every answer. */
const FREE = 1_000_000_000;

interface Engine {
  fetch(input: string): Promise<Response>;
}
type EngineClass = new (options: Record<string, unknown>) => Engine;

/** µs per call: `requests` calls of `auth.fetch()` with CONCURRENCY in flight, wall time ÷ calls. */
async function usPerCall(auth: Engine, requests: number): Promise<number> {
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

/**
 * `before`: the engine of the commit before issue 25; `none`: today's, no telemetry installed;
 * `noop`: today's, with zenotiTelemetry() installed on the API's global providers, none registered
 * (no-op); `beforeAgain`: the first again, the A/A pair that shows how fine the comparison is.
 */
type Side = 'before' | 'none' | 'noop' | 'beforeAgain';

function engines(Before: EngineClass, options: Record<string, unknown>): Record<Side, Engine> {
  const made = (Engine: EngineClass): Engine => new Engine({ apiKey: D.apiKey, ...options });
  const today = made(ZenotiAuth as unknown as EngineClass);
  return {
    before: made(Before),
    none: today,
    noop: made(ZenotiAuth as unknown as EngineClass),
    beforeAgain: made(Before),
  };
}

/** One side's round: `noop` with zenotiTelemetry() installed for the round only (it is process-wide). */
async function measure(engine: Engine, side: Side, requests: number): Promise<number> {
  const telemetry = side === 'noop' ? zenotiTelemetry() : undefined;
  try {
    return await usPerCall(engine, requests);
  } finally {
    telemetry?.disable();
  }
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

const quartiles = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.floor(q * (sorted.length - 1))] as number;
  return `${fmt(at(0.25), 3)}–${fmt(at(0.75), 3)}`;
};

const COMPARISONS = [
  ['none', 'before'],
  ['noop', 'before'],
  ['beforeAgain', 'before'],
] as const;

/** #13: what the instrumentation hook costs a call, not listened to and listened to by no-op providers. */
export const telemetryCost: Benchmark = {
  id: 13,
  name: 'telemetry cost',
  async run(): Promise<BenchResult[]> {
    const checkout = await baselineCheckout(BEFORE_ISSUE_25);
    const before = (await import(
      pathToFileURL(join(checkout, 'packages', 'core', 'dist', 'index.mjs')).href
    )) as {
      ZenotiAuth: EngineClass;
    };
    const zenoti = await startMockZenoti({ rateLimit: { limit: FREE, windowSeconds: 60 } });
    try {
      const network = engines(before.ZenotiAuth, { baseUrl: zenoti.url });
      const [none, noop, aa] = (await pairedRounds(
        COMPARISONS,
        { rounds: ROUNDS, warmUp: WARM_UP_ROUNDS },
        (side) => measure(network[side], side, REQUESTS),
      )) as [Paired, Paired, Paired];
      const instant = engines(before.ZenotiAuth, { baseUrl: zenoti.url, fetch: answerAtOnce });
      const [noneAlone, noopAlone] = (await pairedRounds(
        COMPARISONS.slice(0, 2),
        { rounds: INSTANT_ROUNDS, warmUp: 1 },
        (side) => measure(instant[side], side, INSTANT_REQUESTS),
      )) as [Paired, Paired];
      const limited = zenoti.control.counters().resources.byStatus['429'] ?? 0;
      if (limited > 0) throw new Error(`the mock answered 429 ${limited}× under a free limit`);
      const row = (paired: Paired, what: string, target: number): BenchResult => ({
        id: 13,
        name: `telemetry cost: auth.fetch() to the mock, ${what} (µs per call)`,
        unit: 'µs/call',
        value: median(paired.variant),
        baselineName: `the engine before issue 25 (${BEFORE_ISSUE_25})`,
        baseline: median(paired.baseline),
        ratio: paired.ratio,
        target: `≤ ${target.toFixed(2)}×`,
        pass: paired.ratio <= target,
        aa,
        notes: [],
      });
      const alone = (paired: Paired, what: string): string =>
        `${what} ${fmt(median(paired.variant), 2)} vs ${fmt(median(paired.baseline), 2)} µs/call: ${fmt(paired.ratio, 3)}× (quartiles ${quartiles(paired.ratios)})`;
      const rows = [
        row(none, 'no telemetry installed', 1.02),
        row(noop, 'zenotiTelemetry() on no-op providers', 1.05),
      ];
      rows[1]?.notes.push(
        `#13: one process, API key, ${REQUESTS} GET /v1/centers per engine per round with ${CONCURRENCY} in flight, ${ROUNDS} rounds (ABBA) after ${WARM_UP_ROUNDS} warm-up; the baseline is core of ${BEFORE_ISSUE_25} (the commit before issue 25, built in a worktree); "no-op providers": zenotiTelemetry() installed for the round on the API's global providers with no SDK registered. Ratios are medians of the per-round ratios: no telemetry ${fmt(none.ratio, 3)}× (quartiles ${quartiles(none.ratios)}), no-op ${fmt(noop.ratio, 3)}× (quartiles ${quartiles(noop.ratios)}); A/A (the baseline engine twice): ${fmt(aa.ratio, 3)}× (quartiles ${quartiles(aa.ratios)}).`,
        `#13 engine cost alone (a fetch that answers at once with the same headers, ${INSTANT_REQUESTS} calls per round, ${INSTANT_ROUNDS} rounds): ${alone(noneAlone, 'no telemetry')}; ${alone(noopAlone, 'no-op providers')}.`,
      );
      return rows;
    } finally {
      await zenoti.close();
    }
  },
};
