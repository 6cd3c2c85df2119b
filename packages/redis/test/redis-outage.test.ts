import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { merge, startFleet, startServing, stopFleet, sum } from './fleet.ts';
import { PrivateRedis } from './redis-server.ts';
import { ioredis, keysUnder, redisStore, sleep, storeKeyOf, uniquePrefix, until, zenoti } from './support.ts';

const PROCESSES = 8;
const CALLERS_PER_PROCESS = 25;
const OUTAGE_MS = 10_000;
/** Long enough that the one refresh of the run falls after Redis is back (see README: outages). */
const ACCESS_TOKEN_TTL_MS = 14_000;

let redis: PrivateRedis | undefined;
afterAll(async () => {
  await redis?.stop(); // the private server only; the shared one on 6379 is never touched
});

const hash = (token: string): string => createHash('sha256').update(token).digest('hex').slice(0, 16);

describe('Redis down for 10 s in the middle of a run', () => {
  it('loses no request, warns, and shares one token again once Redis is back', async () => {
    redis = await PrivateRedis.start();
    const z = await zenoti({ accessTokenTtlMs: ACCESS_TOKEN_TTL_MS, refreshReuse: 'end-session' });
    const prefix = uniquePrefix(redis.port);
    const workers = await startFleet(
      Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        url: z.url,
        redisPort: redis?.port ?? 0,
        prefix,
        client: id % 2 === 0 ? ('ioredis' as const) : ('node-redis' as const),
        callers: CALLERS_PER_PROCESS,
        pauseMs: 2_000,
        refreshWindowMs: 1_000,
        // Also how long a set written back after the restart keeps its refresh token unspent: over
        // before the refresh is due, so that the fleet refreshes rather than signs in again.
        deadlineMs: 2_000,
      })),
    );
    z.control.resetCounters(); // the workers' warm-up requests (API key) are not part of the run
    await startServing(workers);
    await sleep(300);
    const keysBefore = await keysUnder(prefix, redis.port);

    await redis.stop();
    const stoppedAt = Date.now();
    await sleep(OUTAGE_MS);
    await redis.start();
    const outageMs = Date.now() - stoppedAt;
    // Redis has no persistence here: it comes back empty (a worker may already have written again).

    // The next refresh is due ~13 s after the first token: one process makes it, under the lock.
    await until(() => z.control.counters().token.refresh.ok >= 1, 20_000, 'the refresh after the outage');
    await until(async () => (await keysUnder(prefix, redis?.port)).length > 0, 5_000, 'a token set in Redis');
    await sleep(1_000);
    const reports = await stopFleet(workers);

    const { store } = redisStore({ client: ioredis(redis.port), prefix });
    const [key] = await keysUnder(prefix, redis.port);
    const stored = await store.get(storeKeyOf(prefix, key ?? ''));
    const counters = z.control.counters();
    const statuses = merge(reports.map((r) => r.statuses));
    const errors = merge(reports.map((r) => r.errors));
    const used = new Set(reports.flatMap((r) => r.tokensUsed));
    const figures = {
      processes: reports.length,
      callers: reports.length * CALLERS_PER_PROCESS,
      outageMs,
      requests: sum(reports, (r) => r.requests),
      callerStatuses: statuses,
      callerErrors: errors,
      engineWarnings: sum(reports, (r) => r.engineWarnings),
      warningKinds: [...new Set(reports.flatMap((r) => r.warningKinds))],
      tokenCalls: counters.token.total,
      passwordGrants: counters.token.password.ok,
      refreshGrants: counters.token.refresh.ok,
      distinctAccessTokens: used.size,
      refreshTokensReused: counters.token.refreshReused,
    };
    console.log(`[redis outage] ${JSON.stringify(figures)}`);

    expect(keysBefore.length).toBeGreaterThan(0); // shared before the outage
    expect(reports).toHaveLength(PROCESSES); // no process crashed
    expect(errors).toEqual({}); // no lost request …
    expect(statuses['200']).toBe(sum(reports, (r) => r.requests)); // … every one answered 200
    expect(sum(reports, (r) => r.engineWarnings)).toBeGreaterThan(0);
    expect(reports.every((r) => r.engineWarnings > 0)).toBe(true);
    // Sharing resumed: one refresh for the fleet, written to Redis and used by every process.
    expect(counters.token.password.ok).toBe(1);
    expect(counters.token.refresh.ok).toBe(1);
    expect(counters.token.total).toBe(2);
    expect(counters.token.refreshReused).toBe(0);
    expect(stored?.accessToken).toBeDefined();
    expect(used.size).toBe(2);
    const refreshed = hash(stored?.accessToken ?? '');
    expect(reports.every((r) => r.tokensUsed.includes(refreshed))).toBe(true);
  }, 90_000);
});
