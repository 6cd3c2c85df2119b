// One fault of a fleet's Redis, measured: the fault matrix of @zenoti-auth/redis
// (test/faults-*.test.ts) asserts on what `throughFault` returns, and benchmark #11 compares it with
// the commit before issue 23 (a copy of the worker in that commit's checkout).
import { randomUUID } from 'node:crypto';
import { startMockZenoti } from '@zenoti-auth/mock-server';
import {
  killFleet,
  merge,
  type RedisTopology,
  sleep,
  startFleet,
  startServing,
  stopFleet,
  sum,
  until,
  type Worker,
  type WorkerConfig,
  type WorkerReport,
} from './fleet.ts';

/*
 * One fault of the matrix (faults-*.test.ts): a fleet of 4 processes (ioredis and node-redis in
 * turn) × 3 callers on one RedisTokenStore and one RedisRateBudget, tokens of 1.5 s (a refresh every
 * ~1.1 s), the mock counting reused refresh tokens and ending the session on reuse, as Zenoti may.
 * The fault starts the moment a process has taken the refresh lock: its refresh is under way.
 */

export const PROCESSES = 4;
const CALLERS = 3;
const ACCESS_TOKEN_TTL_MS = 1_500;
/** The organisation's limit, and the budget's: every process paces at a quarter during an outage. */
export const LIMIT = { calls: 40, windowMs: 1_000 };
/** Also how long a set written back after a loss keeps its refresh token unspent. */
const DEADLINE_MS = 2_000;

export interface FaultFigures {
  fault: string;
  /** How long Redis (or the part of it that holds the identity) was unavailable, ms. */
  faultMs: number;
  requests: number;
  callerErrors: Record<string, number>;
  /** Calls that failed while the token set their process held was alive (by its expiry). */
  failedWhileAlive: number;
  /** Calls that failed while their process could read the shared store. */
  failedWhileShared: number;
  /** Refresh tokens Zenoti saw a second time (the promise: 0), and sessions that ended for it. */
  refreshTokensReused: number;
  sessionsEnded: number;
  passwordGrants: number;
  refreshGrants: number;
  /** Refresh grants after the fault ended: the fleet shares the lock again. */
  refreshesAfter: number;
  /** 429s Zenoti answered (resources and token calls). */
  rateLimited: number;
  /** Requests sent with a token that was no longer live (each retried once by core). */
  deadTokenRequests: number;
  /** The longest time without a served call from just before the fault to the end, ms. */
  longestGapMs: number;
  /** Per process: the store's "Redis fails" and "answers again" warnings. */
  outageWarnings: Array<{ fails: number; recovered: number }>;
  /** Any warning that could not name its cause. */
  unnamedCauses: number;
}

/**
 * Where a fault happens, and how: `redis` is the topology (or each process's, by its id); `inject`
 * gets the prefix and the id of the process that just took the refresh lock, and resolves how long
 * Redis was unavailable (ms).
 */
export interface Fault {
  name: string;
  redis: RedisTopology | ((id: number) => RedisTopology);
  inject: (prefix: string, holder: number) => Promise<number>;
}

/** The process that took the refresh lock since `since`, if one did. */
const lockHolder = (workers: Worker[], since: number): Worker | undefined =>
  workers.find((w) => w.messages.some((m) => m.type === 'locked' && (m.at ?? 0) >= since));

export interface FaultFleetOptions {
  /** The fleet worker script (packages/redis/test/fixtures/fleet-worker.mjs, or a copy of it). */
  worker: string;
  /** Each process's client. @default ioredis and node-redis in turn */
  client?: (id: number) => 'ioredis' | 'node-redis';
  /** Whether the budget is told the fleet's size (a commit before it had the option: `false`). @default true */
  fleetSize?: boolean;
  /** How long the fleet runs on after the fault. @default 6_000 */
  afterMs?: number;
}

/** Runs a fleet through `fault` and returns what it measured. */
export async function throughFault(fault: Fault, options: FaultFleetOptions): Promise<FaultFigures> {
  const z = await startMockZenoti({
    accessTokenTtlMs: ACCESS_TOKEN_TTL_MS,
    refreshReuse: 'end-session',
    rateLimit: { limit: LIMIT.calls, windowSeconds: LIMIT.windowMs / 1_000 },
  });
  let workers: Worker[] = [];
  try {
    return await measure(z, fault, options, (started) => {
      workers = started;
    });
  } finally {
    killFleet(workers);
    await z.close();
  }
}

async function measure(
  z: Awaited<ReturnType<typeof startMockZenoti>>,
  fault: Fault,
  {
    worker,
    client = (id) => (id % 2 === 0 ? 'ioredis' : 'node-redis'),
    fleetSize = true,
    afterMs = 6_000,
  }: FaultFleetOptions,
  started: (workers: Worker[]) => void,
): Promise<FaultFigures> {
  const prefix = `zenoti-fault:${randomUUID()}:`;
  const workers = await startFleet<WorkerConfig, WorkerReport>(
    worker,
    Array.from({ length: PROCESSES }, (_, id) => ({
      id,
      url: z.url,
      redisPort: 0,
      redis: typeof fault.redis === 'function' ? fault.redis(id) : fault.redis,
      prefix,
      client: client(id),
      callers: CALLERS,
      pauseMs: 100,
      lockTtlMs: 2_000,
      deadlineMs: DEADLINE_MS,
      commandTimeoutMs: 500,
      budget: {
        limit: LIMIT.calls,
        intervalMs: LIMIT.windowMs,
        ...(fleetSize ? { fleetSize: PROCESSES } : {}),
      },
      maxRunMs: 120_000,
    })),
    started,
  );
  z.control.resetCounters(); // the workers' warm-up requests (API key) are not part of the run
  await startServing(workers);
  await sleep(1_500); // refreshes under way, every ~1.1 s
  const armed = Date.now();
  await until(() => lockHolder(workers, armed) !== undefined, 10_000, 'a process to take the refresh lock');
  const faultAt = Date.now();
  const faultMs = await fault.inject(prefix, (lockHolder(workers, armed) as Worker).config.id);
  const endedAt = Date.now();
  const refreshesBefore = z.control.counters().token.refresh.ok;
  await sleep(afterMs);
  const reports = await stopFleet(workers);
  const stoppedAt = Date.now();

  const counters = z.control.counters();
  const served = reports.flatMap((r) => r.served).sort((a, b) => a - b);
  let longestGapMs = 0;
  let previous = faultAt - 500;
  for (const at of [...served.filter((t) => t >= faultAt - 500), stoppedAt]) {
    longestGapMs = Math.max(longestGapMs, at - previous);
    previous = at;
  }
  const count = (r: (typeof reports)[number], pattern: RegExp): number =>
    Object.entries(r.storeWarningKinds)
      .filter(([message]) => pattern.test(message))
      .reduce((n, [, times]) => n + times, 0);
  const figures: FaultFigures = {
    fault: fault.name,
    faultMs,
    requests: sum(reports, (r) => r.requests),
    callerErrors: merge(reports.map((r) => r.errors)),
    failedWhileAlive: sum(reports, (r) => r.failedWhileAlive),
    failedWhileShared: sum(reports, (r) => r.failedWhileShared),
    refreshTokensReused: counters.token.refreshReused,
    sessionsEnded: counters.token.sessionsEnded,
    passwordGrants: counters.token.password.ok,
    refreshGrants: counters.token.refresh.ok,
    refreshesAfter: counters.token.refresh.ok - refreshesBefore,
    rateLimited: (counters.resources.byStatus['429'] ?? 0) + counters.token.rateLimited,
    deadTokenRequests: counters.resources.deadToken,
    longestGapMs: Math.round(longestGapMs),
    outageWarnings: reports.map((r) => ({
      fails: count(r, /Redis fails/),
      recovered: count(r, /Redis answers again/),
    })),
    unnamedCauses: reports.reduce(
      (n, r) =>
        n + count(r, /an unknown error/) + r.warningKinds.filter((w) => /an unknown error/.test(w)).length,
      0,
    ),
  };
  console.log(`[fault] ${JSON.stringify({ ...figures, endedAfterMs: endedAt - faultAt })}`);
  return figures;
}
