import { onCloudflareWorkers } from './runtime.ts';

/**
 * Every default of `ZenotiAuthOptions`, written once: option validation applies these, and each
 * option's documentation points here.
 */
export const DEFAULTS = Object.freeze({
  baseUrl: 'https://api.zenoti.com',
  refreshWindowMs: 300_000,
  timeoutMs: 10_000,
  retry: Object.freeze({ retries: 3, minDelayMs: 200, maxDelayMs: 5_000, deadlineMs: 30_000 }),
  rateLimit: Object.freeze({ maxWaitMs: 10_000, maxRetries: 2, maxQueued: 1_000 }),
  credentialsCooldownMs: 60_000,
  refreshWithoutLock: false,
  /** `true`, except on Cloudflare Workers: there a promise dies with the request that made it. */
  get shareInFlight(): boolean {
    return !onCloudflareWorkers();
  },
});
