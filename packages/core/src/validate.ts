import { DEFAULTS } from './defaults.ts';
import { invalidOption } from './errors.ts';
import { isHeaderSafe } from './header.ts';
import type { ApiKeyProvider, ResolvedOptions } from './options.ts';
import { isPaced, type RateBudget } from './rate-budget.ts';
import { isRecord } from './token-response.ts';

type Input = Record<string, unknown> | undefined;

function fail(field: string, problem: string): never {
  throw invalidOption('core', field, problem);
}

/** What a value is, for messages; never the value itself (it may be a secret). */
function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * A plain object whose keys are all known: `field` names it in errors, `keys` lists what it may
 * hold. Returned as a copy of its own properties without a prototype: an option set on
 * `Object.prototype` (a polluted prototype) is never read as given.
 */
function object(value: unknown, field: string, keys: string): Input {
  if (!isRecord(value)) fail(field, `must be an object (got ${kind(value)})`);
  const known = keys.split(' ');
  const own: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      // A near miss (`baseURL`, `apikey`) is named: a typo must not silently mean the default.
      const meant = known.find((k) => k.toLowerCase() === key.toLowerCase().replace(/[-_]/g, ''));
      fail(
        field === 'options' ? key : `${field}.${key}`,
        `is not a known option${meant ? ` (did you mean "${meant}"?)` : ''}`,
      );
    }
    own[key] = value[key];
  }
  return own;
}

/** Control characters (C0, DEL, C1) are never part of a name or a password, only of a mistake. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether `value` holds a control character (never legal in a name or a password). */
export function hasControlCharacter(value: string): boolean {
  return CONTROL.test(value);
}

/**
 * A non-blank string without control characters. `strict`: visible ASCII only (keys, secrets:
 * header-safe); `loose`: any non-empty text (passwords: spaces and non-ASCII letters are legal,
 * they go in a JSON body, never in a header).
 */
export function string(value: unknown, field: string, how?: 'strict' | 'loose'): string {
  if (typeof value !== 'string' || (how === 'loose' ? value === '' : value.trim() === ''))
    fail(
      field,
      `must be a non-empty string (got ${typeof value === 'string' ? 'a blank one' : kind(value)})`,
    );
  if (how !== 'loose' && (how ? /\s/ : /^\s|\s$/).test(value))
    fail(field, `must not ${how ? 'contain' : 'start or end with'} whitespace`);
  if (hasControlCharacter(value) || (how === 'strict' && !isHeaderSafe(value)))
    fail(
      field,
      how === 'strict'
        ? 'must hold only visible ASCII characters (no control or non-ASCII character)'
        : 'must not contain control characters',
    );
  return value;
}

/** A number of milliseconds (or a whole count with `whole`), zero or more (more than zero with `positive`). */
function number(
  value: unknown,
  field: string,
  fallback: number,
  positive?: boolean,
  whole?: boolean,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !(whole ? Number.isInteger(value) : Number.isFinite(value)) ||
    value < 0 ||
    (positive && value === 0)
  )
    fail(
      field,
      `must be ${whole ? 'a whole number' : 'a number of ms'} ${positive ? '> 0' : '>= 0'} (got ${typeof value === 'number' ? value : kind(value)})`,
    );
  return value;
}

function is<T>(value: unknown, field: string, type: 'function' | 'boolean', fallback?: T): T {
  if (value === undefined) return fallback as T;
  if (typeof value !== type) fail(field, `must be a ${type} (got ${kind(value)})`);
  return value as T;
}

/** True for hosts that never leave this machine, where plain http is allowed. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return /^(localhost|.*\.localhost|::1|127(\.\d{1,3}){3})$/.test(host);
}

/**
 * An https URL (http only for loopback hosts) without credentials, query or fragment. `prefix`
 * allows a path (a gateway's prefix) but not one ending in `/v1`: paths such as `/v1/centers`
 * are added to it, so `…/v1` would call `…/v1/v1/centers`.
 */
function origin(value: unknown, field: string, prefix?: 'path prefix'): URL {
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {}
  // `localhost:4010` parses as a URL whose scheme is `localhost:`.
  if (
    typeof value === 'string' &&
    (!url || !/^https?:$/.test(url.protocol)) &&
    !/^[a-z][a-z\d+.-]*:\/\//i.test(value)
  )
    fail(field, 'is missing http:// or https://');
  if (typeof value !== 'string' || !url) return fail(field, 'must be an absolute https URL');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    fail(field, 'must use https (http only for loopback hosts)');
  if (url.username || url.password || /[?#]/.test(value))
    fail(field, 'must not have credentials, a query or a fragment');
  if (!prefix && url.pathname !== '/') fail(field, 'must be an origin, without a path');
  if (/\/v1\/*$/i.test(url.pathname))
    fail(field, 'must not end in /v1: give the host (and any gateway prefix); paths add /v1 themselves');
  return url;
}

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
