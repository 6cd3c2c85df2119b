/** Loopback HTTP load from a separate process (autocannon), rounds in rotating order, server helpers. */
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { type FleetProcess, forkWorker } from '@zenoti-auth/test-support/fleet';
import { median, type Paired } from './harness.ts';

const LOAD_WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** Every answer must have exactly this body (autocannon counts the others as mismatches). */
  expectBody?: string;
}

export interface LoadResult {
  /** Successful answers per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

interface WorkerResult {
  error?: string;
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
}

/**
 * autocannon in a child process of its own (started once, so rounds do not pay a process start),
 * so that the load generator does not share the server's event loop.
 */
export class LoadGenerator {
  readonly #worker: FleetProcess<{ id: number }, never>;
  readonly #child: ChildProcess;
  #exit: Promise<number | null>;

  private constructor() {
    // Forked as a fleet of one (the harness of @zenoti-auth/test-support/fleet), which keeps its stderr.
    this.#worker = forkWorker(LOAD_WORKER, { id: 0 });
    this.#child = this.#worker.child;
    this.#exit = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  static async start(): Promise<LoadGenerator> {
    const generator = new LoadGenerator();
    await generator.#next('ready', 15_000);
    return generator;
  }

  /**
   * Runs autocannon for `durationS` seconds against `url`. Throws if any request failed, timed
   * out, answered non-2xx or with an unexpected body: a figure from a broken run is no figure.
   */
  async run(options: LoadOptions): Promise<LoadResult> {
    const answer = this.#next('result', (options.durationS + 30) * 1000);
    this.#child.send({ type: 'run', options });
    const out = (await answer) as WorkerResult;
    const failed = out.errors + out.timeouts + out.non2xx + out.mismatches;
    if (out.error || failed > 0 || !(out.requests > 0)) {
      throw new Error(`load on ${new URL(options.url).pathname} failed: ${JSON.stringify(out)}`);
    }
    return { rps: out.requests / out.seconds, p50Ms: out.p50Ms, p99Ms: out.p99Ms, requests: out.requests };
  }

  async close(): Promise<void> {
    this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await this.#exit;
    clearTimeout(timer);
  }

  #next(type: string, limitMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type?: string }): void => {
        if (message?.type !== type) return;
        done();
        resolve(message);
      };
      const onExit = (code: number | null): void => {
        done();
        reject(new Error(`the load generator exited with ${code}: ${this.#worker.stderr.trim()}`));
      };
      const timer = setTimeout(() => {
        done();
        this.#child.kill('SIGKILL');
        reject(new Error(`the load generator did not answer within ${limitMs} ms`));
      }, limitMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#child.off('message', onMessage);
        this.#child.off('exit', onExit);
      };
      this.#child.on('message', onMessage);
      this.#child.on('exit', onExit);
    });
  }
}

export interface Rounds<N extends string> {
  /** Every round's result per variant, in round order. */
  samples: Record<N, LoadResult[]>;
  /** Median over the rounds of a figure. */
  median(name: N, pick: (r: LoadResult) => number): number;
  /**
   * `name`'s figure against `baseline`'s round by round: the variants of a round run back to back,
   * so a slow spell of the machine hits both. Its `ratio` is the median of the per-round ratios.
   */
  paired(name: N, baseline: N, pick: (r: LoadResult) => number): Paired;
}

/**
 * Runs every variant once for `warmUpS` seconds (discarded), then `rounds` rounds of all variants
 * for `durationS` each, rotating the order every round so that none always runs first or last.
 */
export async function rotatingRounds<N extends string>(
  generator: LoadGenerator,
  variants: Record<N, Omit<LoadOptions, 'durationS'>>,
  { rounds, durationS, warmUpS }: { rounds: number; durationS: number; warmUpS: number },
): Promise<Rounds<N>> {
  const names = Object.keys(variants) as N[];
  for (const name of names) await generator.run({ ...variants[name], durationS: warmUpS });
  const samples = Object.fromEntries(names.map((n) => [n, [] as LoadResult[]])) as Record<N, LoadResult[]>;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length] as N;
      samples[name].push(await generator.run({ ...variants[name], durationS }));
    }
  }
  return {
    samples,
    median: (name, pick) => median(samples[name].map(pick)),
    paired: (name, baseline, pick) => {
      const variant = samples[name].map(pick);
      const base = samples[baseline].map(pick);
      const ratios = variant.map((v, i) => v / (base[i] as number));
      return { variant, baseline: base, ratios, ratio: median(ratios) };
    },
  };
}

/** Waits for a child to exit; kills it (by its own pid) after `limitMs`. */
export function exited(child: ChildProcess, limitMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serves a fetch handler with `@hono/node-server` on 127.0.0.1, a free port. */
export function listen(
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>,
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
