import { randomBytes } from 'node:crypto';
import { type MockCounters, startMockZenoti } from '@zenoti-auth/mock-server';
import {
  killFleet,
  merge,
  sleep,
  startCalling,
  startFleet,
  stopFleet,
  sum,
  until,
  type Worker,
  type WorkerConfig,
  type WorkerReport,
} from '@zenoti-auth/test-support/fleet';
import { deleteKeys, FLEET_WORKER, openRedis, REDIS_PORT, runName } from './fleets.ts';
import type { Benchmark, BenchResult } from './harness.ts';

const PROCESSES = 8;
const CALLERS_PER_PROCESS = 2;
/** Think time between a caller's requests (uniform 0.5–1.5 ×): about 40 requests/s per process. */
const PAUSE_MS = 50;
/** Access-token lifetime on the mock. The engine renews at 75 % of it (its refresh window is capped at ¼ of the life). */
const ACCESS_TOKEN_TTL_MS = 1_200;
const EXPIRIES = 20;
/** Bounds of one run: the callers stop by themselves after this long (or this many requests). */
const MAX_RUN_MS = 40_000;
const MAX_REQUESTS_PER_PROCESS = 4_000;

interface Run {
  reports: WorkerReport[];
  counters: MockCounters;
  startedAt: number;
  ms: number;
}

/**
 * Starts a fresh mock and 8 fleet workers (the Redis tests' own, see fleets.ts) on a RedisTokenStore
 * each or a MemoryTokenStore each, lets their callers run until `stop` says so, and collects the
 * workers' reports and the mock's counters.
 */
async function runFleet(
  store: 'redis' | 'memory',
  prefix: string,
  stop: (counters: () => MockCounters, startedAt: number) => Promise<void>,
): Promise<Run> {
  const zenoti = await startMockZenoti({ rateLimit: false, accessTokenTtlMs: ACCESS_TOKEN_TTL_MS });
  const encryptionKey = randomBytes(32).toString('hex');
  let workers: Worker[] = [];
  try {
    workers = await startFleet<WorkerConfig, WorkerReport>(
      FLEET_WORKER,
      Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        store,
        url: zenoti.url,
        redisPort: REDIS_PORT,
        client: 'ioredis',
        prefix,
        encryptionKey,
        callers: CALLERS_PER_PROCESS,
        pauseMs: PAUSE_MS,
        callerDeadlineMs: 10_000,
        maxRunMs: MAX_RUN_MS,
        maxRequests: MAX_REQUESTS_PER_PROCESS,
        hardLimitMs: MAX_RUN_MS + 20_000,
      })),
      (started) => {
        workers = started;
      },
    );
    zenoti.control.resetCounters(); // the workers' warm-up requests (API key) are not part of the run
    const startedAt = Date.now();
    startCalling(workers);
    await stop(() => zenoti.control.counters(), startedAt);
    const ms = Date.now() - startedAt;
    const reports = await stopFleet(workers);
    return { reports, counters: zenoti.control.counters(), startedAt, ms };
  } finally {
    killFleet(workers);
    await zenoti.close();
  }
}

/**
 * Token calls of a run (counted at the mock), split into the cold-start sign-ins (a process's first
 * token call, when it is a password grant: one for a fleet that shares its token, one per process
 * otherwise) and the calls made for expiries. For the shared token chain, an expiry is a refresh
 * made at or after the renewal point of the token in use; a refresh before it is a duplicate
 * (another process renewing a token that was already renewed).
 */
function analyse(run: Run): {
  total: number;
  coldStart: number;
  afterColdStart: number;
  expiries: number;
  duplicates: number;
} {
  const events = run.reports.flatMap((r) => r.tokenEvents).sort((a, b) => a.at - b.at);
  const coldStart = run.reports.filter((r) => r.tokenEvents[0]?.grant === 'password').length;
  let expiries = 0;
  let duplicates = 0;
  let current = events[0];
  for (const event of events.slice(1)) {
    if (!current) break;
    const renewAt = current.expiresAt - (current.expiresAt - current.at) / 4;
    if (event.at >= renewAt - 50) expiries++;
    else duplicates++;
    current = event;
  }
  return {
    total: run.counters.token.total,
    coldStart,
    afterColdStart: run.counters.token.total - coldStart,
    expiries,
    duplicates,
  };
}

function describe(run: Run): string {
  const c = run.counters;
  const statuses = merge(run.reports.map((r) => r.statuses));
  const errors = merge(run.reports.map((r) => r.errors));
  const requests = sum(run.reports, (r) => r.requests);
  return (
    `${(run.ms / 1000).toFixed(1)} s, ${requests} requests; token calls ${c.token.total} = ` +
    `${c.token.password.ok} password + ${c.token.refresh.ok} refresh grants` +
    ` (rejected: ${c.token.password.rejected} password, ${c.token.refresh.rejected} refresh); ` +
    `mock answered 401 ${c.resources.byStatus['401'] ?? 0}× (core retries those once); ` +
    `callers saw 200 ${statuses['200'] ?? 0}×, 401 ${statuses['401'] ?? 0}×, errors ${JSON.stringify(errors)}`
  );
}

/** #5: 8 processes sharing Redis through RedisTokenStore, 20 expiries, against a MemoryTokenStore per process. */
export const fleet: Benchmark = {
  id: 5,
  name: '8 processes sharing Redis, 20 expiries',
  async run(): Promise<BenchResult> {
    const redis = await openRedis();
    const prefix = `zenoti-bench:${runName()}:`;
    let keys = 0;
    try {
      // With Redis: run until the mock has answered 20 refresh grants, then a little longer, so
      // that a duplicate refresh of the last expiry would still be counted.
      const shared = await runFleet('redis', prefix, async (counters) => {
        await until(
          () => counters().token.refresh.ok >= EXPIRIES,
          MAX_RUN_MS - 5_000,
          `${EXPIRIES} refreshes`,
          10,
        );
        await sleep(200);
      });
      // Without: the same duration, so the same number of expiries.
      const alone = await runFleet('memory', prefix, () => sleep(shared.ms));
      keys = await deleteKeys(redis, prefix);

      const a = analyse(shared);
      const b = analyse(alone);
      const c = shared.counters;
      const callers401 = merge(shared.reports.map((r) => r.statuses))['401'] ?? 0;
      const callerErrors = Object.values(merge(shared.reports.map((r) => r.errors))).reduce(
        (a, b) => a + b,
        0,
      );
      const pass =
        a.afterColdStart === EXPIRIES &&
        a.expiries === EXPIRIES &&
        a.duplicates === 0 &&
        a.coldStart === 1 &&
        c.token.total === EXPIRIES + 1 &&
        c.token.password.ok === 1 &&
        c.token.refresh.ok === EXPIRIES &&
        c.token.password.rejected + c.token.refresh.rejected === 0 &&
        callers401 === 0 &&
        callerErrors === 0;
      const perProcess = alone.reports
        .map((r) => {
          const p = r.tokenEvents.filter((e) => e.grant === 'password').length;
          return `p${r.id} ${r.tokenEvents.length} (${p}+${r.tokenEvents.length - p})`;
        })
        .join(', ');
      return {
        id: 5,
        name: '8 processes on one Redis, 20 expiries (token calls for the expiries)',
        unit: 'token calls',
        value: a.afterColdStart,
        baselineName: 'MemoryTokenStore per process',
        baseline: b.afterColdStart,
        ratio: a.afterColdStart / b.afterColdStart,
        target: `exactly ${EXPIRIES}`,
        pass,
        notes: [
          `#5: ${PROCESSES} processes × ${CALLERS_PER_PROCESS} callers (think time ~${PAUSE_MS} ms, at most ${MAX_REQUESTS_PER_PROCESS} requests and ${MAX_RUN_MS / 1000} s per process), access tokens of ${ACCESS_TOKEN_TTL_MS} ms renewed at 75 % of their life (${ACCESS_TOKEN_TTL_MS * 0.75} ms); "token calls for the expiries" = every POST /v1/tokens at the mock except the cold-start sign-ins (a process's first token call, when it is a password grant).`,
          `#5 RedisTokenStore: ${describe(shared)}; cold-start sign-ins ${a.coldStart}, expiries ${a.expiries} (a refresh at/after the renewal point of the token in use), duplicate refreshes ${a.duplicates}.`,
          `#5 MemoryTokenStore per process: ${describe(alone)}; cold-start sign-ins ${b.coldStart}; token calls per process (password+refresh): ${perProcess}.`,
          `#5 Redis keys under the run's prefix deleted afterwards: ${keys}.`,
        ],
      };
    } finally {
      if (keys === 0) await deleteKeys(redis, prefix).catch(() => 0);
      redis.disconnect();
    }
  },
};
