import type { ZenotiAuth } from '@zenoti-auth/core';
import type { AxiosResponse } from 'axios';

/** Zenoti's rate-limit headers, as axios' own adapters key them (lower case). */
const RATE_HEADERS = [
  'ratelimit-remaining',
  'ratelimit-reset',
  'organization-ratelimit-limit',
  'retry-after',
];

/**
 * Tells core what a response of Zenoti said about the rate limit: the budget follows it (a 429
 * pauses the whole budget) and a `rateLimit` event reports it. A response that says nothing of it
 * (no 429, no `RateLimit-Remaining`, no `Organization-RateLimit-Limit`) costs two property reads.
 */
export function observeRateLimit(auth: ZenotiAuth, { status, headers }: AxiosResponse): void {
  if (
    status !== 429 &&
    headers['ratelimit-remaining'] == null &&
    headers['organization-ratelimit-limit'] == null
  )
    return;
  const rate = new Headers();
  for (const name of RATE_HEADERS) if (headers[name] != null) rate.set(name, String(headers[name]));
  auth.observeRateLimit(status, rate);
}
