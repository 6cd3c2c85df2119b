import { describe, expect, it } from 'vitest';
import { fireBursts, merge, reportsOf, startRateFleet } from './rate-fleet.ts';
import { REDIS_PORT, uniquePrefix, zenoti } from './support.ts';

const PROCESSES = 4;
const CALLS_PER_PROCESS = 10;
/**
 * The organisation's limit on the mock, and the budget's: 10 calls per 2 s window. The budget ends
 * a window no earlier than the latest end Zenoti's answers report (`RateLimit-Reset`, whole seconds
 * rounded up), so each window is stretched by how long its answers take to come back: the run takes
 * about 1 + stretch ÷ W of the ideal. On a loaded 2-core machine the stretch reached 0.33 s, which
 * made 1.33× with 1 s windows; 2 s windows keep the bound of 1.3 honest without making it flaky.
 */
const LIMIT = 10;
const WINDOW_MS = 2_000;

describe('a fleet of processes on one RedisRateBudget against Zenoti’s window limit', () => {
  it('provokes no 429: 4 processes bursting 40 calls at once are all served, paced into the windows', async () => {
    const z = await zenoti(); // rate limit off while the workers warm up
    const prefix = uniquePrefix();
    const workers = await startRateFleet(
      Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        url: z.url,
        redisPort: REDIS_PORT,
        prefix,
        client: id % 2 === 0 ? ('ioredis' as const) : ('node-redis' as const),
        calls: CALLS_PER_PROCESS,
        limit: LIMIT,
        intervalMs: WINDOW_MS,
      })),
    );
    // A fresh window limit (nothing used yet) and fresh counters, just before the bursts.
    z.control.setRateLimit({ limit: LIMIT, windowSeconds: WINDOW_MS / 1_000 });
    z.control.resetCounters();
    fireBursts(workers);
    const reports = await reportsOf(workers, 30_000);

    const total = PROCESSES * CALLS_PER_PROCESS;
    const sent = reports.flatMap((r) => r.requests);
    const firstSent = Math.min(...sent.map((r) => r.sentAt));
    const lastAnswered = Math.max(...sent.map((r) => r.answeredAt));
    /*
     * Ideal pacing. The mock's window opens at the first call it counts after the previous one has
     * ended and gives the whole limit back then (Zenoti's documented window); its limit was switched
     * on just before the bursts, so the fleet has the whole of the first window. With T calls at L
     * per window of W, window k (k = 1, 2 …) opens no earlier than (k − 1)·W after the first call
     * arrived, and the last call cannot be accepted before window ceil(T/L) opens:
     *   ideal = (ceil(T/L) − 1) · W   after the first call's arrival (here (4 − 1) · 2 s = 6 s).
     * Measured: from the first request sent (before it arrived) to the last answer received (after
     * the last call arrived), over all processes on the one machine clock. It is never shorter than
     * the span it stands for, so the ratio can only err high.
     */
    const idealMs = (Math.ceil(total / LIMIT) - 1) * WINDOW_MS;
    const measuredMs = lastAnswered - firstSent;
    const ratio = measuredMs / idealMs;
    const counters = z.control.counters();
    const statuses = merge(reports.map((r) => r.statuses));
    const errors = merge(reports.map((r) => r.errors));
    console.log(
      `[rate fleet] ${JSON.stringify({
        processes: PROCESSES,
        calls: total,
        limit: `${LIMIT} per ${WINDOW_MS} ms`,
        requestsSent: sent.length,
        mockByStatus: counters.resources.byStatus,
        callerStatuses: statuses,
        callerErrors: errors,
        idealMs,
        measuredMs,
        ratio: Number(ratio.toFixed(3)),
      })}`,
    );

    // Not one 429 at the mock: every request the fleet sent was accepted, once.
    expect(counters.resources.byStatus).toEqual({ '200': total });
    expect(sent).toHaveLength(total);
    // Every call served, none failed.
    expect(statuses).toEqual({ '200': total });
    expect(errors).toEqual({});
    expect(reports.every((r) => r.warnings.length === 0)).toBe(true);
    // And not slower than 1.3 × the ideal pacing.
    expect(ratio).toBeLessThanOrEqual(1.3);
  }, 60_000);
});
