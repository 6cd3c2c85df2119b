import { describe, expect, it } from 'vitest';
import { merge, startFleet, startServing, stopFleet, sum } from './fleet.ts';
import { REDIS_PORT, uniquePrefix, until, zenoti } from './support.ts';

const PROCESSES = 8;
const CALLERS_PER_PROCESS = 125;
/**
 * Lifetime of the tokens whose expiries are counted: a refresh about every 1.9 s. Shorter lives make
 * the test fragile on a loaded machine: a request slower than a token's remaining life is killed
 * by the next refresh even after its one retry.
 */
const ACCESS_TOKEN_TTL_MS = 2_500;
/** The first token lives longer, while eight processes start, connect and warm up. */
const WARM_UP_TTL_MS = 4_000;
/**
 * Think time of a caller between two requests (uniform 0.5–1.5 ×): ~125 requests/s for the fleet.
 * A thousand callers looping without pause would queue seconds of requests at the mock on a small
 * (shared) machine — longer than a token lives, so requests would die in the queue.
 */
const PAUSE_MS = 8_000;
const EXPIRIES = 20;

describe('a fleet of processes on one Redis', () => {
  it('makes exactly one token call per expiry for 1,000 callers in 8 processes, with no 401 seen by any caller', async () => {
    const z = await zenoti({ accessTokenTtlMs: WARM_UP_TTL_MS });
    const prefix = uniquePrefix();
    const workers = await startFleet(
      Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        url: z.url,
        redisPort: REDIS_PORT,
        prefix,
        // Half the fleet on each client: both read and write the same records.
        client: id % 2 === 0 ? ('ioredis' as const) : ('node-redis' as const),
        callers: CALLERS_PER_PROCESS,
        pauseMs: PAUSE_MS,
      })),
    );
    z.control.resetCounters(); // the workers' warm-up requests (API key) are not part of the run
    const started = Date.now();
    await startServing(workers);
    z.control.setAccessTokenTtl(ACCESS_TOKEN_TTL_MS);
    await until(
      () => z.control.counters().token.refresh.ok >= EXPIRIES,
      100_000,
      `${EXPIRIES} refreshes`,
      50,
    );
    const reports = await stopFleet(workers);
    const seconds = (Date.now() - started) / 1000;

    const counters = z.control.counters();
    const statuses = merge(reports.map((r) => r.statuses));
    const errors = merge(reports.map((r) => r.errors));
    const issued = new Set(reports.flatMap((r) => r.tokensIssued));
    const used = new Set(reports.flatMap((r) => r.tokensUsed));
    const distinct = new Set([...issued, ...used]);
    const sharedByAll = [...used].filter((token) =>
      reports.every((r) => r.tokensUsed.includes(token)),
    ).length;
    const requests = sum(reports, (r) => r.requests);
    const figures = {
      processes: reports.length,
      callers: reports.length * CALLERS_PER_PROCESS,
      seconds: Number(seconds.toFixed(1)),
      accessTokenTtlMs: ACCESS_TOKEN_TTL_MS,
      pauseMs: PAUSE_MS,
      requests,
      expiries: counters.token.refresh.ok,
      tokenCalls: counters.token.total,
      passwordGrants: counters.token.password.ok,
      refreshGrants: counters.token.refresh.ok,
      distinctAccessTokens: distinct.size,
      tokensUsedByAll8Processes: sharedByAll,
      callerStatuses: statuses,
      callerErrors: errors,
      callers401: statuses['401'] ?? 0,
      mock401sRetriedByCore: counters.resources.byStatus['401'] ?? 0,
    };
    console.log(`[fleet] ${JSON.stringify(figures)}`);

    expect(reports).toHaveLength(PROCESSES);
    // 1,000 callers asking at once at the start: one credential in every process, one grant in all.
    expect(reports.every((r) => r.coldStartHeaders === 1)).toBe(true);
    // One password grant for the whole fleet, then exactly one refresh per expiry.
    expect(counters.token.password.ok).toBe(1);
    expect(counters.token.refresh.ok).toBeGreaterThanOrEqual(20);
    expect(counters.token.refresh.ok).toBe(distinct.size - 1);
    expect(counters.token.total).toBe(distinct.size);
    expect(issued.size).toBe(distinct.size); // every token came from exactly one grant seen by a worker
    expect(sum(reports, (r) => r.tokenEvents.length)).toBe(distinct.size);
    expect(counters.token.password.rejected + counters.token.refresh.rejected).toBe(0);
    expect(counters.token.faulted + counters.token.rateLimited).toBe(0);
    // Every caller's request succeeded: no 401 (nor anything else) reached a caller.
    expect(statuses['401']).toBeUndefined();
    expect(errors).toEqual({});
    expect(statuses['200']).toBe(requests);
    // The tokens really were shared: most of them served all 8 processes.
    expect(sharedByAll).toBeGreaterThanOrEqual(Math.floor(distinct.size * 0.8));
  }, 150_000);
});
