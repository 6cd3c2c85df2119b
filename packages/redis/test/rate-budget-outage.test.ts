import { afterEach, describe, expect, it } from 'vitest';
import { fireBursts, merge, mostAttempts, reportsOf, startRateFleet } from './rate-fleet.ts';
import { PrivateRedis } from './redis-server.ts';
import { uniquePrefix, until, zenoti } from './support.ts';

const PROCESSES = 4;
const CALLS_PER_PROCESS = 20;
const LIMIT = 10;
const WINDOW_MS = 1_000;
/**
 * Without `fleetSize`, each process paces itself alone on a budget of the whole limit while Redis is
 * down, so the four together send up to four times what a window holds: Zenoti answers the surplus
 * 429 and the engines wait out its Retry-After. A call may lose several windows in a row before its
 * turn; with the default of 2 retries some calls end RATE_LIMITED (17 of 80 in one run), so that run
 * allows more retries than it has windows. With `fleetSize: 4` each paces at a quarter: the default
 * retries do.
 */
const MAX_RETRIES = 15;

// Every private server a test started, stopped after it even when it failed half-way (the shared
// one on 6379 is never touched).
const started: PrivateRedis[] = [];
afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((server) => server.stop()));
});

/** Runs the fleet, takes Redis away after two windows, and returns what the processes and the mock saw. */
async function throughOutage(fleetSize: number | undefined) {
  const redis = await PrivateRedis.start();
  started.push(redis);
  const z = await zenoti(); // rate limit off while the workers warm up
  const prefix = uniquePrefix(redis.port);
  const workers = await startRateFleet(
    Array.from({ length: PROCESSES }, (_, id) => ({
      id,
      url: z.url,
      redisPort: redis.port,
      prefix,
      client: id % 2 === 0 ? ('ioredis' as const) : ('node-redis' as const),
      calls: CALLS_PER_PROCESS,
      limit: LIMIT,
      intervalMs: WINDOW_MS,
      ...(fleetSize === undefined ? { maxRetries: MAX_RETRIES } : { fleetSize }),
    })),
  );
  z.control.setRateLimit({ limit: LIMIT, windowSeconds: WINDOW_MS / 1_000 });
  z.control.resetCounters();
  fireBursts(workers);
  // Two windows served on the shared budget: the rest of the 80 calls wait in the processes' queues.
  const served = (): number => z.control.counters().resources.byStatus['200'] ?? 0;
  await until(() => served() >= 2 * LIMIT, 10_000, 'two windows of calls');
  const before = z.control.counters().resources.byStatus;
  await redis.stop(); // and it stays down until the end
  const reports = await reportsOf(workers, 40_000);
  const counters = z.control.counters();
  const figures = {
    fleetSize: fleetSize ?? 1,
    processes: PROCESSES,
    calls: PROCESSES * CALLS_PER_PROCESS,
    limit: `${LIMIT} per ${WINDOW_MS} ms`,
    mockByStatusBeforeOutage: before,
    mockByStatus: counters.resources.byStatus,
    callerStatuses: merge(reports.map((r) => r.statuses)),
    callerErrors: merge(reports.map((r) => r.errors)),
    mostRequestsForOneCall: mostAttempts(reports),
    warningsPerProcess: reports.map((r) => r.warnings.length),
    warnings: [...new Set(reports.flatMap((r) => r.warnings))],
  };
  console.log(`[rate budget outage] ${JSON.stringify(figures)}`);
  return { before, reports, counters, figures };
}

describe('the shared rate budget’s Redis down in the middle of a paced run', () => {
  it('serves every call on each process’s own budget; each process says so once, and why Redis fails', async () => {
    const { before, reports, counters, figures } = await throughOutage(undefined);
    const total = PROCESSES * CALLS_PER_PROCESS;
    expect(before['200']).toBeLessThan(total); // calls were still waiting when Redis went away
    // No call failed: every one was answered 200.
    expect(figures.callerErrors).toEqual({});
    expect(figures.callerStatuses).toEqual({ '200': total });
    expect(counters.resources.byStatus['200']).toBe(total);
    // Each process said once that it paces alone now; the budget itself (no onWarning: through the
    // engine) said once why Redis fails.
    for (const report of reports) {
      expect(report.warnings.filter((w) => w.includes('Rate budget unreachable'))).toHaveLength(1);
      expect(report.warnings.filter((w) => w.startsWith('[@zenoti-auth/redis] Redis fails: '))).toHaveLength(
        1,
      );
      expect(report.warnings).toHaveLength(2);
    }
    // Each process at the whole limit overruns it (104 in one run).
    expect(counters.resources.byStatus['429'] ?? 0).toBeGreaterThan(PROCESSES);
  }, 60_000);

  it('with fleetSize, processes pacing alone stay within the limit together', async () => {
    const { counters, figures } = await throughOutage(PROCESSES);
    const total = PROCESSES * CALLS_PER_PROCESS;
    expect(figures.callerErrors).toEqual({}); // with the engine's default 2 retries
    expect(counters.resources.byStatus['200']).toBe(total);
    // A few where a process's window and Zenoti's begin apart, not the surplus of four at the limit.
    expect(counters.resources.byStatus['429'] ?? 0).toBeLessThanOrEqual(PROCESSES); // 0 in one run
  }, 60_000);
});
