import { BucketMeter, type Meter, WindowMeter } from './meters.ts';
import { pathMatches, type ResolvedRateLimit, segmentsOf } from './rate-limit-options.ts';
import type { RateLimitMode } from './types.ts';

export { DEFAULT_RATE_LIMIT, validateRateLimit } from './rate-limit-options.ts';

/** One level of one organisation's rate limit, read without counting a call. */
export interface LevelUsage {
  /** `'organization'`, or the path of a per-API limit. */
  level: string;
  mode: RateLimitMode;
  /** Calls the level holds when full: the limit (a bucket's burst). */
  limit: number;
  /** `limit - remaining`. */
  used: number;
  /** `RateLimit-Remaining` a call would see before it is counted. */
  remaining: number;
  /** `RateLimit-Reset`: seconds until the level is full again. */
  resetSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Headers for the answer: always the limit, remaining and reset; `Retry-After` when refused. */
  headers: Record<string, string>;
}

/** One level a call is counted at: its meter and the value of its `…-RateLimit-Limit` header. */
interface Level {
  meter: Meter;
  /** e.g. `60;w=60;b=60`. */
  label: string;
}

function newMeter(mode: RateLimitMode, limit: number, windowSeconds: number, burst?: number): Meter {
  if (mode === 'bucket') return new BucketMeter(limit, windowSeconds * 1000, burst ?? limit);
  // The mock's clock counts whole milliseconds.
  return new WindowMeter(limit, Math.max(1, Math.round(windowSeconds * 1000)));
}

/**
 * Zenoti's rate limits, per organisation: the organisation's limit, and on some paths a per-API
 * limit on top. A call needs room at every level that applies and then counts at all of them; a
 * refused call (429) counts nowhere.
 */
export class RateLimiter {
  #config: ResolvedRateLimit | false;
  #apiPatterns: string[][] = [];
  /** By level (`org` or `api:<index>`) and lower-cased account name. */
  readonly #meters = new Map<string, Meter>();
  readonly #now: () => number;

  constructor(config: ResolvedRateLimit | false, now: () => number) {
    this.#now = now;
    this.#config = false;
    this.set(config);
  }

  /** Replaces the configuration; every window and bucket starts full again. */
  set(config: ResolvedRateLimit | false): void {
    this.#config = config;
    this.#apiPatterns = config === false ? [] : config.apis.map((api) => segmentsOf(api.path));
    this.#meters.clear();
  }

  #meter(key: string, create: () => Meter): Meter {
    let meter = this.#meters.get(key);
    if (!meter) {
      meter = create();
      this.#meters.set(key, meter);
    }
    return meter;
  }

  /** The organisation's level and, when `path` has one, its API's level. */
  #levels(config: ResolvedRateLimit, account: string, path: string): { org: Level; api?: Level } {
    const { mode, limit, windowSeconds, burst } = config;
    const org: Level = {
      meter: this.#meter(`org\n${account}`, () => newMeter(mode, limit, windowSeconds, burst)),
      label: `${limit};w=${windowSeconds};b=${burst ?? limit}`,
    };
    const segments = segmentsOf(path);
    const index = this.#apiPatterns.findIndex((pattern) => pathMatches(pattern, segments));
    const api = config.apis[index];
    if (api === undefined) return { org };
    return {
      org,
      api: {
        meter: this.#meter(`api:${index}\n${account}`, () => newMeter(mode, api.limit, api.windowSeconds)),
        label: `${api.limit};w=${api.windowSeconds};b=${api.limit}`,
      },
    };
  }

  /**
   * Where each level of `accountName` stands now, without counting a call: the organisation's level
   * first, then each per-API level. A level no call has reached yet reads full. `[]` when rate
   * limiting is off.
   */
  usage(accountName: string): LevelUsage[] {
    const config = this.#config;
    if (config === false) return [];
    const now = this.#now();
    const account = accountName.toLowerCase();
    const { mode, limit, windowSeconds, burst } = config;
    // A window's capacity is its limit; a bucket's is its burst.
    const read = (level: string, key: string, capacity: number, create: () => Meter): LevelUsage => {
      const meter = this.#meters.get(`${key}\n${account}`) ?? create();
      const remaining = meter.remaining(now);
      return {
        level,
        mode,
        limit: capacity,
        used: Math.max(0, capacity - remaining),
        remaining,
        resetSeconds: meter.resetSeconds(now),
      };
    };
    const capacity = mode === 'bucket' ? (burst ?? limit) : limit;
    const levels = [read('organization', 'org', capacity, () => newMeter(mode, limit, windowSeconds, burst))];
    config.apis.forEach((api, index) => {
      levels.push(
        read(api.path, `api:${index}`, api.limit, () => newMeter(mode, api.limit, api.windowSeconds)),
      );
    });
    return levels;
  }

  /**
   * Counts one call of `accountName` to `path`. `undefined` when rate limiting is off.
   * Headers follow Zenoti's table: `Organization-RateLimit-Limit` always; with a per-API limit also
   * `Api-RateLimit-Limit`, and `RateLimit-Limit` naming the level that runs out first, whose
   * `RateLimit-Remaining` and `RateLimit-Reset` are given.
   */
  take(accountName: string, path: string): RateLimitDecision | undefined {
    const config = this.#config;
    if (config === false) return undefined;
    const now = this.#now();
    const { org, api } = this.#levels(config, accountName.toLowerCase(), path);
    const levels = api ? [org, api] : [org];
    const refused = levels.filter((level) => !level.meter.available(now));
    if (refused.length === 0) for (const level of levels) level.meter.take(now);

    // The level that runs out first: fewer calls left, or on a tie the one that comes back later.
    const first = levels.reduce((a, b) => {
      const left = a.meter.remaining(now) - b.meter.remaining(now);
      if (left !== 0) return left < 0 ? a : b;
      return b.meter.resetSeconds(now) > a.meter.resetSeconds(now) ? b : a;
    });
    const headers: Record<string, string> = { 'Organization-RateLimit-Limit': org.label };
    if (api) {
      headers['Api-RateLimit-Limit'] = api.label;
      headers['RateLimit-Limit'] = first.label;
    }
    headers['RateLimit-Remaining'] = String(first.meter.remaining(now));
    headers['RateLimit-Reset'] = String(first.meter.resetSeconds(now));
    if (refused.length > 0) {
      // Every refusing level must have a call again before a retry can pass.
      headers['Retry-After'] = String(
        Math.max(...refused.map((level) => level.meter.retryAfterSeconds(now))),
      );
    }
    return { allowed: refused.length === 0, headers };
  }
}
