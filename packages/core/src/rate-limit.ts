import type { RateLimitEvent } from './events.ts';

function headerNumber(response: Response, name: string): number | undefined {
  const value = response.headers.get(name);
  if (value === null) return undefined;
  const n = Number(value.split(';')[0]);
  return Number.isFinite(n) ? n : undefined;
}

/** Builds a `rateLimit` event from Zenoti's `RateLimit-*` headers. */
export function rateLimitEvent(
  response: Response,
  retryAfterMs: number | undefined,
  retrying: boolean,
): RateLimitEvent {
  return {
    type: 'rateLimit',
    remaining: headerNumber(response, 'ratelimit-remaining'),
    resetSeconds: headerNumber(response, 'ratelimit-reset'),
    retryAfterMs,
    retrying,
  };
}
