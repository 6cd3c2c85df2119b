import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS as D, type MockCounters, startMockZenoti } from '@zenoti-auth/mock-server';
import { Redis } from 'ioredis';
import type { Benchmark, BenchResult } from './harness.ts';

const WORKER = fileURLToPath(new URL('./fleet-worker.mjs', import.meta.url));
const REDIS_PORT = 6379;
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

interface TokenEvent {
  grant: 'password' | 'refresh';
  at: number;
  expiresAt: number;
}

interface Report {
  id: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  requests: number;
  tokenEvents: TokenEvent[];
  storeWarnings: number;
  engineWarnings: number;
}

interface Run {
  reports: Report[];
  counters: MockCounters;
  startedAt: number;
  ms: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(done: () => boolean, limitMs: number, what: string, everyMs = 20): Promise<void> {
  const end = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Starts a fresh mock and 8 worker processes, lets their callers run until `stop` says so, and
 * collects the workers' reports and the mock's counters.
 */
async function runFleet(
  store: 'redis' | 'memory',
  prefix: string,
  stop: (counters: () => MockCounters, startedAt: number) => Promise<void>,
): Promise<Run> {
  const zenoti = await startMockZenoti({ rateLimit: false, accessTokenTtlMs: ACCESS_TOKEN_TTL_MS });
  const encryptionKey = randomBytes(32).toString('hex');
  const workers: Array<{
    child: ChildProcess;
    ready: boolean;
    report?: Report;
    exit?: number | null;
    stderr: string;
  }> = [];
  try {
    for (let id = 0; id < PROCESSES; id++) {
      const child = fork(WORKER, [], {
        env: {
          ...process.env,
          FLEET_WORKER: JSON.stringify({
            id,
            store,
            url: zenoti.url,
            redisPort: REDIS_PORT,
            prefix,
            encryptionKey,
            app: { accountName: D.accountName, ...D.employeeApp },
            user: { ...D.employee },
            callers: CALLERS_PER_PROCESS,
            pauseMs: PAUSE_MS,
            maxRunMs: MAX_RUN_MS,
            maxRequests: MAX_REQUESTS_PER_PROCESS,
            hardLimitMs: MAX_RUN_MS + 20_000,
          }),
        },
        execArgv: [],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      const worker: (typeof workers)[number] = { child, ready: false, stderr: '' };
      child.stderr?.on('data', (chunk: Buffer) => {
        worker.stderr = (worker.stderr + chunk.toString()).slice(-2_000);
      });
      child.on('message', (message: { type: string } & Report) => {
        if (message.type === 'ready') worker.ready = true;
        if (message.type === 'report') worker.report = message;
      });
      child.on('exit', (code) => {
        worker.exit = code;
      });
      workers.push(worker);
    }
    await until(() => workers.every((w) => w.ready || w.exit !== undefined), 30_000, 'the workers to start');
    const early = workers.find((w) => w.exit !== undefined);
    if (early) throw new Error(`a ${store} worker exited early (${early.exit}): ${early.stderr.trim()}`);

    const startedAt = Date.now();
    for (const w of workers) w.child.send({ type: 'start' });
    await stop(() => zenoti.control.counters(), startedAt);
    const ms = Date.now() - startedAt;
    for (const w of workers) if (w.exit === undefined) w.child.send({ type: 'stop' });
    await until(() => workers.every((w) => w.exit !== undefined), 20_000, 'the workers to report and exit');
    const failed = workers.find((w) => !w.report || w.exit !== 0);
    if (failed) throw new Error(`a ${store} worker failed (exit ${failed.exit}): ${failed.stderr.trim()}`);
    return {
      reports: workers.map((w) => w.report as Report),
      counters: zenoti.control.counters(),
      startedAt,
      ms,
    };
  } finally {
    for (const w of workers) if (w.exit === undefined) w.child.kill('SIGKILL');
    await zenoti.close();
  }
}

/** Deletes every key under `prefix` (SCAN, not KEYS); returns how many there were. Also used by #9. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
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

const count = (records: Record<string, number>[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const record of records) for (const [k, v] of Object.entries(record)) out[k] = (out[k] ?? 0) + v;
  return out;
};

function describe(run: Run): string {
  const c = run.counters;
  const statuses = count(run.reports.map((r) => r.statuses));
  const errors = count(run.reports.map((r) => r.errors));
  const requests = run.reports.reduce((n, r) => n + r.requests, 0);
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
    const redis = new Redis({
      host: '127.0.0.1',
      port: REDIS_PORT,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw new Error(`Redis is not reachable at 127.0.0.1:${REDIS_PORT}: ${(error as Error).message}`);
    }
    const prefix = `zenoti-bench:${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}:`;
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
      const callers401 = count(shared.reports.map((r) => r.statuses))['401'] ?? 0;
      const callerErrors = shared.reports.reduce(
        (n, r) => n + Object.values(r.errors).reduce((x, y) => x + y, 0),
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
