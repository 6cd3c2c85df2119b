import { afterAll, describe, expect, it } from 'vitest';
import { fireBursts, merge, mostAttempts, reportsOf, startRateFleet } from './rate-fleet.ts';
import { PrivateRedis } from './redis-server.ts';
import { uniquePrefix, until, zenoti } from './support.ts';

const PROCESSES = 4;
const CALLS_PER_PROCESS = 20;
const LIMIT = 10;
const WINDOW_MS = 1_000;
/**
 * While Redis is down, each process paces itself alone on a budget of the whole limit, so the four
 * together send up to four times what a window holds: Zenoti answers the surplus 429 and the
 * engines wait out its Retry-After. A call may lose several windows in a row before its turn; with
 * the default of 2 retries some calls end RATE_LIMITED (17 of 80 in one run), so the test allows
 * more retries than the run has windows (5 or 6 requests for the unluckiest call in three runs).
 */
const MAX_RETRIES = 15;

let redis: PrivateRedis | undefined;
afterAll(async () => {
  await redis?.stop(); // the private server only; the shared one on 6379 is never touched
});

describe('the shared rate budget’s Redis down in the middle of a paced run', () => {
  it('serves every call on each process’s own budget, with one warning per process', async () => {
    redis = await PrivateRedis.start();
    const z = await zenoti(); // rate limit off while the workers warm up
    const prefix = uniquePrefix(redis.port);
    const workers = await startRateFleet(
      Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        url: z.url,
        redisPort: redis?.port ?? 0,
        prefix,
        client: id % 2 === 0 ? ('ioredis' as const) : ('node-redis' as const),
        calls: CALLS_PER_PROCESS,
        limit: LIMIT,
        intervalMs: WINDOW_MS,
        maxRetries: MAX_RETRIES,
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

    const total = PROCESSES * CALLS_PER_PROCESS;
    const counters = z.control.counters();
    const statuses = merge(reports.map((r) => r.statuses));
    const errors = merge(reports.map((r) => r.errors));
    console.log(
      `[rate budget outage] ${JSON.stringify({
        processes: PROCESSES,
        calls: total,
        limit: `${LIMIT} per ${WINDOW_MS} ms`,
        mockByStatusBeforeOutage: before,
        mockByStatus: counters.resources.byStatus,
        callerStatuses: statuses,
        callerErrors: errors,
        mostRequestsForOneCall: mostAttempts(reports),
        warningsPerProcess: reports.map((r) => r.warnings.length),
        warnings: [...new Set(reports.flatMap((r) => r.warnings))],
      })}`,
    );

    expect(before['200']).toBeLessThan(total); // calls were still waiting when Redis went away
    // No call failed: every one was answered 200.
    expect(errors).toEqual({});
    expect(statuses).toEqual({ '200': total });
    expect(counters.resources.byStatus['200']).toBe(total);
    // Each process said once that it paces alone now.
    for (const report of reports) {
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toContain('Rate budget unreachable');
    }
  }, 60_000);
});
