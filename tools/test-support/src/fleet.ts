// The fleet harness of the Redis tests and the benchmarks: one child process per config, each running
// a worker script that reports over IPC. The process half is fleet-process.mjs (what every worker
// script does alike); what the fleet workers take and report is in fleet-workers.ts. No test runner
// here: whoever starts a fleet kills what is left of it (`killFleet`), also when it fails.
import { type ChildProcess, fork } from 'node:child_process';
import type { RateWorkerConfig, RateWorkerReport, WorkerConfig, WorkerReport } from './fleet-workers.ts';

export * from './fleet-workers.ts';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it holds; throws after `timeoutMs`, naming `what`. */
export async function until(
  check: () => boolean,
  timeoutMs: number,
  what: string,
  everyMs = 25,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(everyMs);
  }
}

/** A message a fleet process sends before its report ('ready', 'first-ok', 'locked', 'token' …). */
export interface FleetMessage {
  id: number;
  pid: number;
  type: string;
  at?: number;
  grant?: string;
}

/** One running process of a fleet, as the parent sees it. */
export interface FleetProcess<Config, Report> {
  config: Config;
  child: ChildProcess;
  /** Every message but the report, in order. */
  messages: FleetMessage[];
  report: Report | undefined;
  /** `undefined` while it runs. */
  exitCode: number | null | undefined;
  /** The last 4 kB it wrote to stderr. */
  stderr: string;
}

/** A process of the token fleet, and one of the rate fleet (fleet-workers.ts). */
export type Worker = FleetProcess<WorkerConfig, WorkerReport>;
export type RateWorker = FleetProcess<RateWorkerConfig, RateWorkerReport>;

/** Forks `worker` with `config` (JSON in the FLEET_WORKER variable) and follows what it says. */
export function forkWorker<Config, Report>(worker: string, config: Config): FleetProcess<Config, Report> {
  const child = fork(worker, [], {
    env: { ...process.env, FLEET_WORKER: JSON.stringify(config) },
    execArgv: [],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const one: FleetProcess<Config, Report> = {
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
  child.on('message', (message: FleetMessage) => {
    if (message.type === 'report') one.report = message as unknown as Report;
    else one.messages.push(message);
  });
  child.on('exit', (code) => {
    one.exitCode = code;
  });
  return one;
}

/**
 * Forks one process of the worker script `worker` per config and waits until each says it is ready
 * (connected, warmed up). `started` gets the processes at once, so that they can be killed even if
 * the start fails.
 */
export async function startFleet<Config extends { id: number }, Report>(
  worker: string,
  configs: Config[],
  started: (processes: FleetProcess<Config, Report>[]) => void = () => undefined,
): Promise<FleetProcess<Config, Report>[]> {
  const processes = configs.map((config) => forkWorker<Config, Report>(worker, config));
  started(processes);
  await until(
    () => processes.every((p) => p.messages.some((m) => m.type === 'ready') || p.exitCode !== undefined),
    30_000,
    'the workers to be ready',
  );
  const failed = processes.find((p) => p.exitCode !== undefined);
  if (failed) throw new Error(`worker ${failed.config.id} exited early: ${failed.stderr}`);
  return processes;
}

/** Kills every process still running. */
export function killFleet(processes: FleetProcess<{ id: number }, unknown>[]): void {
  for (const p of processes) if (p.exitCode === undefined) p.child.kill('SIGKILL');
}

/** Tells every process to start (its callers, or its burst of calls). */
export function startCalling(processes: FleetProcess<{ id: number }, unknown>[]): void {
  for (const p of processes) p.child.send({ type: 'start' });
}

/** Starts the callers of every process and waits until each process has had a call served ('first-ok'). */
export async function startServing(
  processes: FleetProcess<{ id: number }, unknown>[],
  timeoutMs = 20_000,
): Promise<void> {
  startCalling(processes);
  await until(
    () => processes.every((p) => p.messages.some((m) => m.type === 'first-ok')),
    timeoutMs,
    'first answers',
  );
}

/**
 * Waits until every process has exited (each reports and exits once its work is done) and returns
 * their reports; throws, with its stderr, for one that exited without a report or with an error.
 */
export async function reportsOf<Report>(
  processes: FleetProcess<{ id: number }, Report>[],
  timeoutMs: number,
): Promise<Report[]> {
  await until(() => processes.every((p) => p.exitCode !== undefined), timeoutMs, 'the workers to report');
  for (const p of processes)
    if (!p.report || p.exitCode !== 0)
      throw new Error(`worker ${p.config.id} failed (exit ${p.exitCode}): ${p.stderr}`);
  return processes.map((p) => p.report as Report);
}

/** Tells the running processes to stop and waits for their reports and exits. */
export function stopFleet<Report>(processes: FleetProcess<{ id: number }, Report>[]): Promise<Report[]> {
  const alive = processes.filter((p) => p.exitCode === undefined);
  for (const p of alive) p.child.send({ type: 'stop' });
  return reportsOf(alive, 30_000);
}

export function sum<Report>(reports: Report[], pick: (report: Report) => number): number {
  return reports.reduce((total, report) => total + pick(report), 0);
}

/** Adds up `{ "200": n, … }` maps. */
export function merge(maps: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const map of maps) for (const [k, n] of Object.entries(map)) out[k] = (out[k] ?? 0) + n;
  return out;
}
