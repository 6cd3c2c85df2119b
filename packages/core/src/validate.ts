import { DEFAULTS } from './defaults.ts';
import { fail, is, number, object, origin, string } from './option-checks.ts';
import type { ApiKeyProvider, ResolvedOptions } from './options.ts';
import { isPaced, type RateBudget } from './rate-budget.ts';

/** Every option `ZenotiAuth` takes, in the order the README's table lists them. */
export const OPTION_NAMES = [
  'apiKey',
  'app',
  'user',
  'baseUrl',
  'allowedOrigins',
  'store',
  'refreshWindowMs',
  'timeoutMs',
  'retry',
  'rateLimit',
  'credentialsCooldownMs',
  'shareInFlight',
  'refreshWithoutLock',
  'fetch',
  'now',
  'onEvent',
] as const;

/**
 * Checks `options` as `new ZenotiAuth(options)` does, without making an engine: throws the same
 * `INVALID_OPTIONS` error, naming the field. For options assembled elsewhere (`@zenoti-auth/core/env`,
 * a deploy-time configuration check).
 */
export function checkZenotiOptions(options: unknown): void {
  resolveOptions(options);
}

/** Validates user options and applies defaults. Throws `INVALID_OPTIONS` naming the field. */
export function resolveOptions(input: unknown): ResolvedOptions {
  const o = object(input, 'options', OPTION_NAMES.join(' ')) as Record<string, unknown>;
  const hasKey = o.apiKey !== undefined;
  if (hasKey && o.app !== undefined) fail('app', 'must not be given beside "apiKey": one mode or the other');
  if (!hasKey && o.app === undefined) {
    // Given, but `undefined`: most often `process.env.X` of a variable that is not set.
    if ('apiKey' in o)
      fail(
        'apiKey',
        'is undefined (an environment variable that is not set?): give the API key, or "app" for access tokens',
      );
    if ('app' in o) fail('app', 'is undefined: give the app, or "apiKey"');
    fail('apiKey', 'or "app" must be given');
  }
  if (hasKey && o.user !== undefined) fail('user', 'needs "app", not "apiKey"');

  const a = hasKey ? undefined : object(o.app, 'app', 'accountName appId appSecret deviceId');
  const u = o.user === undefined ? undefined : object(o.user, 'user', 'username password');
  const base = origin(o.baseUrl ?? DEFAULTS.baseUrl, 'baseUrl', 'path prefix');
  const allowed = new Set([base.origin]);
  if (o.allowedOrigins !== undefined) {
    const list: unknown = o.allowedOrigins;
    if (!Array.isArray(list)) fail('allowedOrigins', 'must be an array');
    // Own elements only: a hole is not filled from a polluted `Array.prototype`.
    for (let i = 0; i < list.length; i++)
      allowed.add(origin(Object.hasOwn(list, i) ? list[i] : undefined, `allowedOrigins[${i}]`).origin);
  }
  const store = o.store as ResolvedOptions['store'];
  for (const method of ['get', 'set', 'delete'] as const)
    if (store !== undefined && typeof store?.[method] !== 'function')
      fail('store', `must be a TokenStore (no "${method}" method)`);

  const r =
    o.retry === undefined ? undefined : object(o.retry, 'retry', 'retries minDelayMs maxDelayMs deadlineMs');
  const d = DEFAULTS;
  const retry = {
    retries: number(r?.retries, 'retry.retries', d.retry.retries, false, true),
    minDelayMs: number(r?.minDelayMs, 'retry.minDelayMs', d.retry.minDelayMs),
    maxDelayMs: number(r?.maxDelayMs, 'retry.maxDelayMs', d.retry.maxDelayMs),
    deadlineMs: number(r?.deadlineMs, 'retry.deadlineMs', d.retry.deadlineMs, true),
  };
  if (retry.maxDelayMs < retry.minDelayMs) fail('retry.maxDelayMs', 'must be >= retry.minDelayMs');
  let rateLimit: ResolvedOptions['rateLimit'] = false;
  if (o.rateLimit !== false) {
    const l =
      o.rateLimit === undefined
        ? undefined
        : object(o.rateLimit, 'rateLimit', 'budget maxWaitMs maxRetries maxQueued');
    const budget = l?.budget as RateBudget | undefined;
    for (const method of ['take', 'observe'] as const)
      if (budget !== undefined && typeof budget?.[method] !== 'function')
        fail('rateLimit.budget', `must be a RateBudget (no "${method}" method)`);
    // The fair queue of its permits comes with a paced budget (`@zenoti-auth/core/rate-budget`).
    if (budget !== undefined && !isPaced(budget))
      fail(
        'rateLimit.budget',
        'must be a paced RateBudget: MemoryRateBudget, RedisRateBudget, DurableObjectRateBudget, or one of your own given to pacedBudget() from @zenoti-auth/core/rate-budget',
      );
    rateLimit = {
      budget,
      maxWaitMs: number(l?.maxWaitMs, 'rateLimit.maxWaitMs', d.rateLimit.maxWaitMs),
      maxRetries: number(l?.maxRetries, 'rateLimit.maxRetries', d.rateLimit.maxRetries, false, true),
      maxQueued: number(l?.maxQueued, 'rateLimit.maxQueued', d.rateLimit.maxQueued, false, true),
    };
  }

  return {
    apiKey: !hasKey
      ? undefined
      : typeof o.apiKey === 'function'
        ? (o.apiKey as ApiKeyProvider)
        : string(o.apiKey, 'apiKey', 'strict'),
    app: {
      accountName: a ? string(a.accountName, 'app.accountName') : '',
      appId: a ? string(a.appId, 'app.appId') : '',
      appSecret: a ? string(a.appSecret, 'app.appSecret', 'strict') : '',
      deviceId: a?.deviceId === undefined ? undefined : string(a.deviceId, 'app.deviceId'),
    },
    user: u && {
      username: string(u.username, 'user.username'),
      password: string(u.password, 'user.password', 'loose'),
    },
    baseUrl: base.href.replace(/\/+$/, ''),
    baseOrigin: base.origin,
    allowedOrigins: allowed,
    store,
    refreshWindowMs: number(o.refreshWindowMs, 'refreshWindowMs', d.refreshWindowMs),
    timeoutMs: number(o.timeoutMs, 'timeoutMs', d.timeoutMs, true),
    retry,
    rateLimit,
    credentialsCooldownMs: number(o.credentialsCooldownMs, 'credentialsCooldownMs', d.credentialsCooldownMs),
    shareInFlight: is(o.shareInFlight, 'shareInFlight', 'boolean', d.shareInFlight),
    refreshWithoutLock: is(o.refreshWithoutLock, 'refreshWithoutLock', 'boolean', d.refreshWithoutLock),
    fetch: is(o.fetch, 'fetch', 'function'),
    now: is(o.now, 'now', 'function', Date.now),
    onEvent: is(o.onEvent, 'onEvent', 'function'),
  };
}
