import { ZenotiAuthError } from './errors.ts';

/** `RATE_LIMITED` (429) with the wait: `<what>; retry after <n> s.` — the one format of every rate-limit error. */
export function rateLimited(waitMs: number, what = 'Zenoti rate limit reached'): ZenotiAuthError {
  return new ZenotiAuthError('RATE_LIMITED', `${what}; retry after ${Math.ceil(waitMs / 1000)} s.`, {
    status: 429,
    retryAfterMs: waitMs,
  });
}
