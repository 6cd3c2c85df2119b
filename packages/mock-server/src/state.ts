import { setMaxListeners } from 'node:events';
import { Clock } from './clock.ts';
import { Counters, RequestLog } from './counters.ts';
import { DEMO_SEED } from './demo-seed.ts';
import { Directory } from './directory.ts';
import { FaultQueue, Latency } from './faults.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter, validateRateLimit } from './rate-limit.ts';
import { validateSeed } from './seed.ts';
import { TokenStore } from './tokens.ts';
import type { MockSeed, MockZenotiOptions, RateLimitOptions } from './types.ts';

export interface ResolvedOptions {
  seed: MockSeed;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  rateLimit: RateLimitOptions | false;
  strictScheme: boolean;
  latencyMs: number;
  controlRoutes: boolean;
  log: ((line: string) => void) | undefined;
  apiKeyRotationGraceMs: number;
}

/** Throws unless `value` is a finite number ≥ `min`; names the option. */
export function checkMs(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new Error(
      `zenoti-mock: ${name} must be a finite number ≥ ${min} (milliseconds); got ${String(value)}`,
    );
  }
  return value;
}

/** Validates the options once, at start-up, with an error naming the field. Never mutates the input. */
export function resolveOptions(options: MockZenotiOptions): ResolvedOptions {
  const { log } = options;
  if (log !== undefined && typeof log !== 'boolean' && typeof log !== 'function') {
    throw new Error('zenoti-mock: log must be a boolean or a function');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new Error('zenoti-mock: now must be a function returning milliseconds since the epoch');
  }
  return {
    seed: options.seed === undefined ? DEMO_SEED : validateSeed(options.seed),
    accessTokenTtlMs: checkMs('accessTokenTtlMs', options.accessTokenTtlMs ?? 86_400_000, 1),
    refreshTokenTtlMs: checkMs('refreshTokenTtlMs', options.refreshTokenTtlMs ?? 7_776_000_000, 1),
    rateLimit: validateRateLimit(options.rateLimit ?? DEFAULT_RATE_LIMIT),
    strictScheme: options.strictScheme ?? false,
    latencyMs: checkMs('latencyMs', options.latencyMs ?? 0, 0),
    controlRoutes: options.controlRoutes ?? false,
    log: log === true ? (line) => console.log(line) : log === false ? undefined : log,
    apiKeyRotationGraceMs: checkMs('apiKeyRotationGraceMs', options.apiKeyRotationGraceMs ?? 604_800_000, 0),
  };
}

/** Everything the mock knows and remembers; the request handlers and `MockControl` share it. */
export class MockState {
  readonly options: ResolvedOptions;
  readonly clock: Clock;
  directory: Directory;
  readonly tokens = new TokenStore();
  readonly limiter: RateLimiter;
  readonly faults = new FaultQueue();
  readonly latency: Latency;
  readonly counters = new Counters();
  readonly requests = new RequestLog();
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  /** Aborted when the server closes: releases hanging and delayed requests. */
  readonly shutdown = new AbortController();

  constructor(options: MockZenotiOptions) {
    this.options = resolveOptions(options);
    this.clock = new Clock(options.now);
    this.directory = new Directory(this.options.seed);
    this.limiter = new RateLimiter(this.options.rateLimit, () => this.clock.now());
    this.latency = new Latency(this.options.latencyMs);
    this.accessTokenTtlMs = this.options.accessTokenTtlMs;
    this.refreshTokenTtlMs = this.options.refreshTokenTtlMs;
    // Every delayed or hanging request listens to this signal; hundreds at once are normal in a benchmark.
    setMaxListeners(0, this.shutdown.signal);
  }

  now(): number {
    return this.clock.now();
  }

  reset(): void {
    this.directory = new Directory(this.options.seed);
    this.tokens.clear();
    this.limiter.set(this.options.rateLimit);
    this.faults.clear();
    this.latency.reset(this.options.latencyMs);
    this.accessTokenTtlMs = this.options.accessTokenTtlMs;
    this.refreshTokenTtlMs = this.options.refreshTokenTtlMs;
    this.clock.reset();
    this.counters.reset();
    this.requests.clear();
  }
}
