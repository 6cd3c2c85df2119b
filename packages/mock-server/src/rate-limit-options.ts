import type { ApiRateLimit, RateLimitMode, RateLimitOptions } from './types.ts';

/** Zenoti's standard limit, counted the way its docs describe: 60 calls per 60-second window. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { mode: 'window', limit: 60, windowSeconds: 60 };

/** Checked rate-limit options: the mode and the per-API list are always present. */
export type ResolvedRateLimit = RateLimitOptions & { mode: RateLimitMode; apis: ApiRateLimit[] };

const MODES: readonly RateLimitMode[] = ['window', 'bucket'];

function fail(message: string): never {
  throw new Error(`zenoti-mock: ${message}`);
}

function positive(name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    fail(`${name} must be a finite number > 0, got ${String(n)}`);
  }
  return n;
}

/** A window hands out whole calls: its limit is a whole number. A bucket may refill fractions. */
function callLimit(name: string, n: unknown, mode: RateLimitMode): number {
  const limit = positive(name, n);
  if (mode === 'window' && !Number.isInteger(limit)) {
    fail(`${name} must be a whole number in window mode, got ${limit}`);
  }
  return limit;
}

function apiLimit(value: unknown, index: number, mode: RateLimitMode): ApiRateLimit {
  const name = `rateLimit.apis[${index}]`;
  if (typeof value !== 'object' || value === null) fail(`${name} must be { path, limit, windowSeconds }`);
  const { path, limit, windowSeconds } = value as Record<string, unknown>;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    fail(`${name}.path must be a path starting with "/", got ${JSON.stringify(path)}`);
  }
  return {
    path,
    limit: callLimit(`${name}.limit`, limit, mode),
    windowSeconds: positive(`${name}.windowSeconds`, windowSeconds),
  };
}

/** Checks a rate-limit configuration into a normalised copy; throws an error naming the bad field. */
export function validateRateLimit(value: unknown): ResolvedRateLimit | false {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null) {
    fail('rateLimit must be false or { mode?, limit, windowSeconds, burst?, apis? }');
  }
  const { mode = 'window', limit, windowSeconds, burst, apis = [] } = value as Record<string, unknown>;
  if (!MODES.includes(mode as RateLimitMode)) {
    fail(`rateLimit.mode must be "window" or "bucket", got ${JSON.stringify(mode)}`);
  }
  const m = mode as RateLimitMode;
  if (!Array.isArray(apis)) fail('rateLimit.apis must be an array of { path, limit, windowSeconds }');
  const result: ResolvedRateLimit = {
    mode: m,
    limit: callLimit('rateLimit.limit', limit, m),
    windowSeconds: positive('rateLimit.windowSeconds', windowSeconds),
    apis: apis.map((api, i) => apiLimit(api, i, m)),
  };
  if (burst !== undefined) {
    // A window has no separate capacity: all of `limit` is available at its start.
    if (m !== 'bucket') fail('rateLimit.burst applies only to mode "bucket"');
    result.burst = positive('rateLimit.burst', burst);
    if (result.burst < 1) fail('rateLimit.burst must be ≥ 1');
  }
  return result;
}

/** Lower-cased path segments, without empty ones (leading, trailing or doubled slashes). */
export function segmentsOf(path: string): string[] {
  return path
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '');
}

/** Whether `path` starts with the segments of `pattern`; a pattern segment `*` matches any one. */
export function pathMatches(patternSegments: readonly string[], path: readonly string[]): boolean {
  if (path.length < patternSegments.length) return false;
  return patternSegments.every((segment, i) => segment === '*' || segment === path[i]);
}
