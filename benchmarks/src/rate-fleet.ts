import { startMockZenoti } from '@zenoti-auth/mock-server';
import {
  killFleet,
  merge,
  type RateWorker,
  type RateWorkerConfig,
  type RateWorkerReport,
  reportsOf,
  type SentRequest,
  startCalling,
  startFleet,
} from '@zenoti-auth/test-support/fleet';
import { deadTokenRow } from './dead-tokens.ts';
import {
  BOTTLENECK_WORKER,
  deleteKeys,
  openRedis,
  RATE_FLEET_WORKER,
  REDIS_PORT,
  runName,
} from './fleets.ts';
import { type Benchmark, type BenchResult, fmt } from './harness.ts';

const PROCESSES = 8;
const CALLS_PER_PROCESS = 10;
/** The organisation's window limit on the mock (and what every side is told): 20 calls per 5 s. */
const LIMIT = 20;
/**
 * 5 s: short, so that a side runs in about 15 s, and the shortest reservoir interval Bottleneck's
 * README supports in cluster mode ("a multiple of 250 (5000 for Clustering)").
 */
const WINDOW_MS = 5_000;
/** Bounds: one call (retries and waits included), and one process. */
const CALL_DEADLINE_MS = 40_000;
const HARD_LIMIT_MS = 60_000;

type Side = 'budget' | 'none' | 'bottleneck';
const SIDES: ReadonlyArray<{ side: Side; name: string }> = [
  { side: 'budget', name: 'zenoti-auth + RedisRateBudget' },
  { side: 'none', name: 'zenoti-auth without a budget' },
  { side: 'bottleneck', name: 'Bottleneck cluster (ioredis, reservoir)' },
];

interface Outcome {
  calls: number;
  /** Calls answered 200. */
  served: number;
  /** Calls that did not end in a 200 (a 429 handed back, or an error such as RATE_LIMITED). */
  failed: Record<string, number>;
  requests: number;
  /** 429s the mock answered. */
  limited: number;
  windows: number;
  /** Served calls per window over the windows the run spanned, ÷ the limit. */
  throughput: number;
  seconds: number;
}

/**
 * Throughput as a fraction of the limit. The run spans from the first request sent to the last
 * answer of a served call, over all processes (one machine clock); it covers
 * `windows = ceil(span / W)` windows of the limit (a run paced perfectly into k windows spans
 * (k − 1)·W plus one answer's latency: k windows). The fraction is served ÷ (windows × L): 1 when
 * every window the run touched was used to the full, less when windows went (partly) unused.
 */
function throughputOf(requests: SentRequest[], served: number): { windows: number; throughput: number } {
  const ok = requests.filter((r) => r.status === 200);
  if (ok.length === 0) return { windows: 0, throughput: 0 };
  const first = Math.min(...requests.map((r) => r.sentAt));
  const last = Math.max(...ok.map((r) => r.answeredAt));
  const windows = Math.max(1, Math.ceil((last - first) / WINDOW_MS));
  return { windows, throughput: served / (windows * LIMIT) };
}

/**
 * A fresh mock and 8 processes of one side: every process fires its calls at once. The budget and
 * no-budget sides run the Redis tests' rate-fleet worker, the Bottleneck side its own (fleets.ts).
 */
async function runSide(side: Side, prefix: string, bottleneckId: string): Promise<Outcome> {
  const zenoti = await startMockZenoti({ rateLimit: false }); // off while the workers warm up
  let workers: RateWorker[] = [];
  try {
    workers = await startFleet<RateWorkerConfig & { bottleneckId: string }, RateWorkerReport>(
      side === 'bottleneck' ? BOTTLENECK_WORKER : RATE_FLEET_WORKER,
      Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        url: zenoti.url,
        redisPort: REDIS_PORT,
        prefix,
        bottleneckId,
        budget: side === 'budget',
        calls: CALLS_PER_PROCESS,
        limit: LIMIT,
        intervalMs: WINDOW_MS,
        // The budget's README setting: the burst's last calls wait several windows for their permit.
        maxWaitMs: 60_000,
        callDeadlineMs: CALL_DEADLINE_MS,
        hardLimitMs: HARD_LIMIT_MS,
      })),
      (started) => {
        workers = started;
      },
    );
    // The organisation's limit, fresh (nothing used), and fresh counters: then every burst at once.
    zenoti.control.setRateLimit({ limit: LIMIT, windowSeconds: WINDOW_MS / 1_000 });
    zenoti.control.resetCounters();
    const started = Date.now();
    startCalling(workers);
    const reports = await reportsOf(workers, HARD_LIMIT_MS);
    const seconds = (Date.now() - started) / 1_000;

    const requests = reports.flatMap((r) => r.requests);
    const byStatus = zenoti.control.counters().resources.byStatus;
    const { 200: served = 0, ...failed } = merge([
      ...reports.map((r) => r.statuses),
      ...reports.map((r) => r.errors),
    ]);
    if (byStatus['200'] !== served)
      throw new Error(`${side}: the mock served ${byStatus['200']}, callers got ${served}`);
    return {
      calls: PROCESSES * CALLS_PER_PROCESS,
      served,
      failed,
      requests: requests.length,
      limited: byStatus['429'] ?? 0,
      ...throughputOf(requests, served),
      seconds,
    };
  } finally {
    killFleet(workers);
    await zenoti.close();
  }
}

const describe = (name: string, o: Outcome): string =>
  `#9 ${name}: served ${o.served}/${o.calls}, failed ${JSON.stringify(o.failed)}, ` +
  `${o.requests} requests, 429s ${o.limited}, ${o.windows} windows spanned, ` +
  `throughput ${fmt(o.throughput, 3)} of the limit, ${o.seconds.toFixed(1)} s`;

/** #9: 8 processes bursting into Zenoti's window limit: RedisRateBudget, no budget, Bottleneck's cluster. */
export const rateFleet: Benchmark = {
  id: 9,
  name: '8 processes bursting into a window limit',
  async run(): Promise<BenchResult[]> {
    const redis = await openRedis();
    const run = runName();
    const prefix = `zenoti-bench:${run}:`;
    const bottleneckId = `zenoti-bench-${run}`;
    try {
      const outcomes = new Map<Side, Outcome>();
      for (const { side } of SIDES) outcomes.set(side, await runSide(side, prefix, bottleneckId));
      const ours = outcomes.get('budget') as Outcome;
      const bottleneck = outcomes.get('bottleneck') as Outcome;
      const setting = `${PROCESSES} processes × ${CALLS_PER_PROCESS} calls at once, limit ${LIMIT} per ${WINDOW_MS / 1_000} s window`;
      const notes = [
        `#9: ${setting}; each side on a fresh mock (window mode: the whole limit back at the start of each window, which opens at the first call after the previous one ended; 429 with Retry-After past it). "Throughput" = calls served ÷ (windows the run spanned × limit), windows = ceil((last served answer − first request sent) ÷ window length).`,
        `#9 sides: RedisRateBudget({ limit: ${LIMIT}, intervalMs: ${WINDOW_MS} }) with maxWaitMs 60 s; the engine without a budget (its defaults: a 429 is waited out, 2 retries); Bottleneck { id, datastore: 'ioredis', clearDatastore: false, reservoir: ${LIMIT}, reservoirRefreshAmount: ${LIMIT}, reservoirRefreshInterval: ${WINDOW_MS}, maxConcurrent: ${LIMIT} } in front of fetch with the API key, an expiration on every job (no retry of a 429).`,
        ...SIDES.map(({ side, name }) => describe(name, outcomes.get(side) as Outcome)),
      ];
      return [
        {
          id: 9,
          name: `${setting}: 429s provoked (zenoti-auth + RedisRateBudget; every call served)`,
          unit: '429s',
          value: ours.limited,
          baselineName: 'Bottleneck cluster',
          baseline: bottleneck.limited,
          ratio: ours.limited / bottleneck.limited,
          target: '0, every call served',
          pass: ours.limited === 0 && ours.served === ours.calls,
          notes,
        },
        {
          id: 9,
          name: `${setting}: throughput as a fraction of the limit (zenoti-auth + RedisRateBudget)`,
          unit: '× limit',
          value: ours.throughput,
          baselineName: 'Bottleneck cluster',
          baseline: bottleneck.throughput,
          ratio: ours.throughput / bottleneck.throughput,
          target: 'value ≥ 0.95',
          pass: ours.throughput >= 0.95,
          notes: [],
        },
        await deadTokenRow(),
      ];
    } finally {
      await deleteKeys(redis, prefix).catch(() => 0);
      await deleteKeys(redis, `b_${bottleneckId}`).catch(() => 0);
      redis.disconnect();
    }
  },
};
