import { setMaxListeners } from 'node:events';
import { Clock } from './clock.ts';
import { Counters, RequestLog } from './counters.ts';
import { Directory } from './directory.ts';
import { FaultQueue, Latency } from './faults.ts';
import { IssuedTokens } from './issued-tokens.ts';
import { Lockout } from './lockout.ts';
import { type ResolvedOptions, resolveOptions } from './options.ts';
import { RateLimiter } from './rate-limit.ts';
import type { BadAppAnswer, MockZenotiOptions, RefreshReuse, RevokeAnswer } from './types.ts';

/** Everything the mock knows and remembers; the request handlers and `MockControl` share it. */
export class MockState {
  readonly options: ResolvedOptions;
  readonly clock: Clock;
  directory: Directory;
  readonly tokens = new IssuedTokens();
  readonly limiter: RateLimiter;
  readonly lockout: Lockout;
  readonly faults = new FaultQueue();
  readonly latency: Latency;
  readonly counters = new Counters();
  readonly requests = new RequestLog();
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  revokeAnswer: RevokeAnswer;
  badAppAnswer: BadAppAnswer;
  loginPolicyOnRefresh: boolean;
  refreshReuse: RefreshReuse;
  /** Aborted when the server closes: releases hanging and delayed requests. */
  readonly shutdown = new AbortController();

  constructor(options: MockZenotiOptions) {
    this.options = resolveOptions(options);
    this.clock = new Clock(options.now);
    this.directory = new Directory(this.options.seed);
    this.limiter = new RateLimiter(this.options.rateLimit, () => this.clock.now());
    this.lockout = new Lockout(this.options.lockout);
    this.latency = new Latency(this.options.latencyMs);
    this.accessTokenTtlMs = this.options.accessTokenTtlMs;
    this.refreshTokenTtlMs = this.options.refreshTokenTtlMs;
    this.revokeAnswer = this.options.revokeAnswer;
    this.badAppAnswer = this.options.badAppAnswer;
    this.loginPolicyOnRefresh = this.options.loginPolicyOnRefresh;
    this.refreshReuse = this.options.refreshReuse;
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
    this.lockout.set(this.options.lockout);
    this.faults.clear();
    this.latency.reset(this.options.latencyMs);
    this.accessTokenTtlMs = this.options.accessTokenTtlMs;
    this.refreshTokenTtlMs = this.options.refreshTokenTtlMs;
    this.revokeAnswer = this.options.revokeAnswer;
    this.badAppAnswer = this.options.badAppAnswer;
    this.loginPolicyOnRefresh = this.options.loginPolicyOnRefresh;
    this.refreshReuse = this.options.refreshReuse;
    this.clock.reset();
    this.counters.reset();
    this.requests.clear();
  }
}
