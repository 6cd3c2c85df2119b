import { readRateReport } from '@zenoti-auth/core';

/** One request to Zenoti: its method, its path (no query) and the status Zenoti answered. */
export interface CallRecord {
  method: string;
  path: string;
  status: number;
}

/** Zenoti's rate-limit headers on an answer, as sent and as read. */
export interface RateLimitSeen {
  /** Each rate-limit header (`…RateLimit-…`, `Retry-After`) by its usual spelling, e.g. `RateLimit-Remaining`. */
  headers: Record<string, string>;
  /** `RateLimit-Remaining`: calls left in the organisation's window. */
  remaining: number | null;
  /** `RateLimit-Reset`, in ms: until the window refills. */
  resetMs: number | null;
  /** From `Organization-RateLimit-Limit` (`60;w=60`): calls per window. */
  limit: number | null;
  /** From `Organization-RateLimit-Limit`'s `w=`, in ms: the window's length. */
  intervalMs: number | null;
}

const RATE_HEADER = /ratelimit|^retry-after$/i;

/** `organization-ratelimit-limit` → `Organization-RateLimit-Limit`. */
function spelled(name: string): string {
  return name
    .split('-')
    .map((part) => (part === 'ratelimit' ? 'RateLimit' : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('-');
}

function rateLimitOf(headers: Headers): RateLimitSeen | null {
  const seen: Record<string, string> = {};
  for (const [name, value] of headers) if (RATE_HEADER.test(name)) seen[spelled(name)] = value;
  if (Object.keys(seen).length === 0) return null;
  const report = readRateReport(headers);
  return {
    headers: seen,
    remaining: report?.remaining ?? null,
    resetMs: report?.resetMs ?? null,
    limit: report?.limit ?? null,
    intervalMs: report?.intervalMs ?? null,
  };
}

/**
 * The `fetch` the checking engine uses: the global one, counting each request and keeping what
 * the last answer said (status and rate-limit headers; never a body, a header of the request, or
 * a query string).
 */
export class CallRecorder {
  count = 0;
  last: { call: CallRecord; rateLimit: RateLimitSeen | null } | undefined;

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    this.count++;
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    this.last = {
      call: { method, path: url.pathname, status: response.status },
      rateLimit: rateLimitOf(response.headers),
    };
    return response;
  };
}
