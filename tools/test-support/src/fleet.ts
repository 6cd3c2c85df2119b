// A fleet of processes for the Redis tests and benchmarks: one child process per config, each
// running a fleet worker script (packages/redis/test/fixtures/fleet-worker.mjs, or a copy of it in a
// checkout of an older commit, whose packages it then imports), reporting over IPC. No test runner
// here: whoever starts a fleet kills what is left of it (`killFleet`), also when it fails.
import { type ChildProcess, fork } from 'node:child_process';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 25 ms until it holds; throws after `timeoutMs`, naming `what`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(25);
  }
}

/** Where a fleet process's Redis is: a plain server, a Cluster or Sentinel (see fixtures/redis-clients.mjs). */
export type RedisTopology =
  | { kind: 'single'; port: number }
  | { kind: 'cluster'; nodes: Array<{ host: string; port: number }> }
  | { kind: 'sentinel'; sentinels: Array<{ host: string; port: number }>; name: string };

export interface WorkerConfig {
  id: number;
  url: string;
  redisPort: number;
  /** The topology, when not a plain server on `redisPort`. */
  redis?: RedisTopology;
  /** With it, a RedisRateBudget for the fleet (same prefix): its limit, window and fleet size. */
  budget?: { limit: number; intervalMs: number; fleetSize?: number };
  commandTimeoutMs?: number;
  prefix: string;
  client: 'ioredis' | 'node-redis';
  callers: number;
  /** Think time between a caller's requests (uniform 0.5–1.5 × this). @default 0 */
  pauseMs?: number;
  lockTtlMs?: number;
  encryptionKey?: string;
  refreshWindowMs?: number;
  deadlineMs?: number;
  callerDeadlineMs?: number;
  maxRunMs?: number;
  hardLimitMs?: number;
}

export interface WorkerReport {
  id: number;
  pid: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  requests: number;
  /** Distinct credentials the process's callers got when they all asked at once at the start. */
  coldStartHeaders: number;
  maxLatencyMs: number;
  tokensUsed: string[];
  tokensIssued: string[];
  tokenEvents: Array<{ grant: 'password' | 'refresh'; at: number }>;
  storeWarnings: number;
  /** The store's and the budget's warnings, with how often each came. */
  storeWarningKinds: Record<string, number>;
  engineWarnings: number;
  warningKinds: string[];
  /** When each 200 came (ms since epoch). */
  served: number[];
  /** Calls that failed while the token set the process held was alive (by its expiry). */
  failedWhileAlive: number;
  /** Calls that failed while the process could read the shared store (no read failed for 3 s). */
  failedWhileShared: number;
}

export interface FleetMessage {
  id: number;
  pid: number;
  type: 'ready' | 'first-ok' | 'locked' | 'token' | 'report';
  at?: number;
  grant?: string;
}

export interface Worker {
  config: WorkerConfig;
  child: ChildProcess;
  messages: FleetMessage[];
  report: WorkerReport | undefined;
  exitCode: number | null | undefined;
  stderr: string;
}

/**
 * Forks one process of the worker script `worker` per config and waits until each is connected to
 * Redis. `started` gets the workers at once, so that they can be killed even if the start fails.
 */
export async function startFleet(
  worker: string,
  configs: WorkerConfig[],
  started: (workers: Worker[]) => void = () => undefined,
): Promise<Worker[]> {
  const workers = configs.map((config): Worker => {
    const child = fork(worker, [], {
      env: { ...process.env, FLEET_WORKER: JSON.stringify(config) },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const one: Worker = {
      config,
      child,
      messages: [],
      report: undefined,
      exitCode: undefined,
      stderr: '',
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      one.stderr = (one.stderr + chunk.toString()).slice(-4_000);
    });
    child.on('message', (message: FleetMessage & Partial<WorkerReport>) => {
      if (message.type === 'report') one.report = message as unknown as WorkerReport;
      else one.messages.push(message);
    });
    child.on('exit', (code) => {
      one.exitCode = code;
    });
    return one;
  });
  started(workers);
  await until(
    () => workers.every((w) => w.messages.some((m) => m.type === 'ready') || w.exitCode !== undefined),
    30_000,
    'the workers to connect',
  );
  const failed = workers.find((w) => w.exitCode !== undefined);
  if (failed) throw new Error(`worker ${failed.config.id} exited early: ${failed.stderr}`);
  return workers;
}

/** Kills every worker still running. */
export function killFleet(workers: Worker[]): void {
  for (const worker of workers) if (worker.exitCode === undefined) worker.child.kill('SIGKILL');
}

/** Starts the callers of every worker (each warmed up its connections to the mock with the API key). */
export function startCalling(workers: Worker[]): void {
  for (const worker of workers) worker.child.send({ type: 'start' });
}

/** Tells the running workers to stop and waits for their reports and exits. */
export async function stopFleet(workers: Worker[]): Promise<WorkerReport[]> {
  const alive = workers.filter((w) => w.exitCode === undefined);
  for (const worker of alive) worker.child.send({ type: 'stop' });
  await until(() => alive.every((w) => w.exitCode !== undefined), 30_000, 'the workers to report and exit');
  for (const worker of alive) {
    if (!worker.report || worker.exitCode !== 0) {
      throw new Error(`worker ${worker.config.id} failed (exit ${worker.exitCode}): ${worker.stderr}`);
    }
  }
  return alive.map((w) => w.report as WorkerReport);
}

export function sum(reports: WorkerReport[], pick: (report: WorkerReport) => number): number {
  return reports.reduce((total, report) => total + pick(report), 0);
}

/** Adds up `{ "200": n, … }` maps. */
export function merge(maps: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const map of maps) for (const [k, n] of Object.entries(map)) out[k] = (out[k] ?? 0) + n;
  return out;
}
