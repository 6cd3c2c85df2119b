import type { RateLimitOptions } from './types.ts';

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { limit: 60, windowSeconds: 60 };

export interface RateLimitDecision {
  allowed: boolean;
  /** Headers for the answer: always the limit, remaining and reset; `Retry-After` when refused. */
  headers: Record<string, string>;
}

interface Bucket {
  /** Calls left (fractional while refilling): a token bucket's "tokens", not access tokens. */
  calls: number;
  updatedAt: number;
}

/** Checks a rate-limit configuration; throws an error naming the bad field. */
export function validateRateLimit(value: unknown): RateLimitOptions | false {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null) {
    throw new Error('zenoti-mock: rateLimit must be false or { limit, windowSeconds, burst? }');
  }
  const { limit, windowSeconds, burst } = value as Record<string, unknown>;
  const positive = (name: string, n: unknown): number => {
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
      throw new Error(`zenoti-mock: rateLimit.${name} must be a finite number > 0, got ${String(n)}`);
    }
    return n;
  };
  const result: RateLimitOptions = {
    limit: positive('limit', limit),
    windowSeconds: positive('windowSeconds', windowSeconds),
  };
  if (burst !== undefined) {
    result.burst = positive('burst', burst);
    if (result.burst < 1) throw new Error('zenoti-mock: rateLimit.burst must be ≥ 1');
  }
  return result;
}

/**
 * Zenoti's organisation rate limit as a token bucket: `limit` calls refill continuously over
 * `windowSeconds`, the bucket holds at most `burst` (default `limit`) and starts full.
 */
export class RateLimiter {
  #config: RateLimitOptions | false;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(config: RateLimitOptions | false, now: () => number) {
    this.#config = config;
    this.#now = now;
  }

  get config(): RateLimitOptions | false {
    return this.#config;
  }

  /** Replaces the configuration; every bucket starts full again. */
  set(config: RateLimitOptions | false): void {
    this.#config = config;
    this.#buckets.clear();
  }

  /** Takes one call from the organisation's bucket. `undefined` when rate limiting is off. */
  take(accountName: string): RateLimitDecision | undefined {
    const config = this.#config;
    if (config === false) return undefined;
    const capacity = config.burst ?? config.limit;
    const perMs = config.limit / (config.windowSeconds * 1000);
    const now = this.#now();
    const key = accountName.toLowerCase();
    const bucket = this.#buckets.get(key) ?? { calls: capacity, updatedAt: now };
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.calls = Math.min(capacity, bucket.calls + elapsed * perMs);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);

    // Tolerate float error so that an exact refill counts as a whole call.
    const allowed = bucket.calls >= 1 - 1e-9;
    if (allowed) bucket.calls = Math.max(0, bucket.calls - 1);
    const headers: Record<string, string> = {
      'Organization-RateLimit-Limit': `${config.limit};w=${config.windowSeconds};b=${capacity}`,
      'RateLimit-Remaining': String(Math.floor(bucket.calls + 1e-9)),
      'RateLimit-Reset': String(Math.max(0, Math.ceil((capacity - bucket.calls) / perMs / 1000 - 1e-9))),
    };
    if (!allowed) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil((1 - bucket.calls) / perMs / 1000 - 1e-9)));
    }
    return { allowed, headers };
  }

  reset(): void {
    this.#buckets.clear();
  }
}
