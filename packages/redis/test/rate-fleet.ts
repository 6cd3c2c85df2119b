import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup, until } from './support.ts';

const WORKER = fileURLToPath(new URL('./fixtures/rate-fleet-worker.mjs', import.meta.url));

export interface RateWorkerConfig {
  id: number;
  url: string;
  redisPort: number;
  /** The same in every process: one budget. */
  prefix: string;
  client: 'ioredis' | 'node-redis';
  /** Calls fired at once on "start". */
  calls: number;
  /** The budget's limit and window (what the organisation's Zenoti limit is). */
  limit: number;
  intervalMs: number;
  /** Retries after a 429 for one call (engine default when absent). */
  maxRetries?: number;
  /** The budget's `fleetSize` (its default, 1, when absent). */
  fleetSize?: number;
  hardLimitMs?: number;
}

/** One request the engine sent to the mock. */
export interface SentRequest {
  /** The call it was sent for (its index in the process's burst). */
  call: number;
  sentAt: number;
  answeredAt: number;
  status: number;
}

export interface RateWorkerReport {
  id: number;
  pid: number;
  requests: SentRequest[];
  /** What `auth.fetch()` resolved, by status. */
  statuses: Record<string, number>;
  /** What it rejected with, by code and gist. */
  errors: Record<string, number>;
  /** The engine's `warning` events. */
  warnings: string[];
}

export interface RateWorker {
  child: ChildProcess;
  ready: boolean;
  report: RateWorkerReport | undefined;
  exitCode: number | null | undefined;
  stderr: string;
}

/** Forks one worker per config and waits until each has warmed up and reached Redis. */
export async function startRateFleet(configs: RateWorkerConfig[]): Promise<RateWorker[]> {
  const workers = configs.map((config): RateWorker => {
    const child = fork(WORKER, [], {
      env: { ...process.env, RATE_FLEET_WORKER: JSON.stringify(config) },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const worker: RateWorker = { child, ready: false, report: undefined, exitCode: undefined, stderr: '' };
    child.stderr?.on('data', (chunk: Buffer) => {
      worker.stderr = (worker.stderr + chunk.toString()).slice(-4_000);
    });
    child.on('message', (message: { type: string } & RateWorkerReport) => {
      if (message.type === 'ready') worker.ready = true;
      if (message.type === 'report') worker.report = message;
    });
    child.on('exit', (code) => {
      worker.exitCode = code;
    });
    return worker;
  });
  onCleanup(async () => {
    for (const worker of workers) if (worker.exitCode === undefined) worker.child.kill('SIGKILL');
  });
  await until(
    () => workers.every((w) => w.ready || w.exitCode !== undefined),
    30_000,
    'the workers to be ready',
  );
  const failed = workers.find((w) => w.exitCode !== undefined);
  if (failed) throw new Error(`a worker exited early: ${failed.stderr}`);
  return workers;
}

/** Sends every worker "start": each fires its burst at once. */
export function fireBursts(workers: RateWorker[]): void {
  for (const worker of workers) worker.child.send({ type: 'start' });
}

/** Waits until every worker has reported and exited (each does once its calls are done). */
export async function reportsOf(workers: RateWorker[], timeoutMs: number): Promise<RateWorkerReport[]> {
  await until(() => workers.every((w) => w.exitCode !== undefined), timeoutMs, 'the workers to report');
  for (const worker of workers)
    if (!worker.report || worker.exitCode !== 0)
      throw new Error(`a worker failed (exit ${worker.exitCode}): ${worker.stderr}`);
  return workers.map((w) => w.report as RateWorkerReport);
}

/** The most requests any one call needed (1 + its retries after 429). */
export function mostAttempts(reports: RateWorkerReport[]): number {
  let most = 0;
  for (const report of reports) {
    const perCall = new Map<number, number>();
    for (const { call } of report.requests) perCall.set(call, (perCall.get(call) ?? 0) + 1);
    most = Math.max(most, ...perCall.values());
  }
  return most;
}

/** Adds up `{ "200": n, … }` maps. */
export function merge(maps: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const map of maps) for (const [k, n] of Object.entries(map)) out[k] = (out[k] ?? 0) + n;
  return out;
}
