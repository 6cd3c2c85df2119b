import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startMockZenoti } from '@zenoti-auth/mock-server';
import { Redis } from 'ioredis';
import { deadTokenRow } from './dead-tokens.ts';
import { deleteKeys } from './fleet.ts';
import { type Benchmark, type BenchResult, fmt } from './harness.ts';

const WORKER = fileURLToPath(new URL('./rate-fleet-worker.mjs', import.meta.url));
const REDIS_PORT = 6379;
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

interface SentRequest {
  sentAt: number;
  answeredAt: number;
  status: number;
}

interface Report {
  id: number;
  requests: SentRequest[];
  statuses: Record<string, number>;
  errors: Record<string, number>;
}

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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(done: () => boolean, limitMs: number, what: string): Promise<void> {
  const end = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
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

/** A fresh mock and 8 processes of one side: every process fires its calls at once. */
async function runSide(side: Side, prefix: string, bottleneckId: string): Promise<Outcome> {
  const zenoti = await startMockZenoti({ rateLimit: false }); // off while the workers warm up
  const workers: Array<{
    child: ChildProcess;
    ready: boolean;
    report?: Report;
    exit?: number | null;
    stderr: string;
  }> = [];
  try {
    for (let id = 0; id < PROCESSES; id++) {
      const config = {
        id,
        side,
        url: zenoti.url,
        redisPort: REDIS_PORT,
        prefix,
        bottleneckId,
        calls: CALLS_PER_PROCESS,
        limit: LIMIT,
        windowMs: WINDOW_MS,
        callDeadlineMs: CALL_DEADLINE_MS,
        hardLimitMs: HARD_LIMIT_MS,
      };
      const child = fork(WORKER, [], {
        env: { ...process.env, RATE_FLEET_WORKER: JSON.stringify(config) },
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
    await until(() => workers.every((w) => w.ready || w.exit !== undefined), 30_000, `the ${side} workers`);
    const early = workers.find((w) => w.exit !== undefined);
    if (early) throw new Error(`a ${side} worker exited early (${early.exit}): ${early.stderr.trim()}`);

    // The organisation's limit, fresh (nothing used), and fresh counters: then every burst at once.
    zenoti.control.setRateLimit({ limit: LIMIT, windowSeconds: WINDOW_MS / 1_000 });
    zenoti.control.resetCounters();
    const started = Date.now();
    for (const w of workers) w.child.send({ type: 'start' });
    await until(() => workers.every((w) => w.exit !== undefined), HARD_LIMIT_MS, `the ${side} calls`);
    const seconds = (Date.now() - started) / 1_000;
    const failed = workers.find((w) => !w.report || w.exit !== 0);
    if (failed) throw new Error(`a ${side} worker failed (exit ${failed.exit}): ${failed.stderr.trim()}`);

    const reports = workers.map((w) => w.report as Report);
    const requests = reports.flatMap((r) => r.requests);
    const byStatus = zenoti.control.counters().resources.byStatus;
    const served = reports.reduce((n, r) => n + (r.statuses['200'] ?? 0), 0);
    const failures: Record<string, number> = {};
    for (const r of reports) {
      for (const [status, n] of Object.entries(r.statuses))
        if (status !== '200') failures[status] = (failures[status] ?? 0) + n;
      for (const [code, n] of Object.entries(r.errors)) failures[code] = (failures[code] ?? 0) + n;
    }
    if (byStatus['200'] !== served)
      throw new Error(`${side}: the mock served ${byStatus['200']}, callers got ${served}`);
    return {
      calls: PROCESSES * CALLS_PER_PROCESS,
      served,
      failed: failures,
      requests: requests.length,
      limited: byStatus['429'] ?? 0,
      ...throughputOf(requests, served),
      seconds,
    };
  } finally {
    for (const w of workers) if (w.exit === undefined) w.child.kill('SIGKILL');
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
    const run = `${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`;
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
