import { ZenotiAuthError } from './errors.ts';
import { DEFAULT_BASE_URL, type ResolvedOptions, type ZenotiAuthOptions } from './options.ts';

const TOP_LEVEL = new Set([
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
  'fetch',
  'now',
  'onEvent',
]);

function fail(field: string, problem: string): never {
  throw new ZenotiAuthError('INVALID_OPTIONS', `Invalid option "${field}": ${problem}`, { field });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : `${typeof value}`;
}

function secretOrString(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `must be a non-empty string, got ${describe(value)}.`);
  if (value.trim() === '') fail(field, 'must not be empty or whitespace.');
  if (value !== value.trim() || /\s/.test(value)) fail(field, 'must not contain whitespace.');
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `must be a non-empty string, got ${describe(value)}.`);
  if (value.trim() === '') fail(field, 'must not be empty or whitespace.');
  if (value !== value.trim()) fail(field, 'must not start or end with whitespace.');
  return value;
}

function password(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, `must be a non-empty string, got ${describe(value)}.`);
  if (value === '') fail(field, 'must not be empty.');
  return value;
}

function duration(value: unknown, field: string, fallback: number, allowZero = true): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(field, `must be a finite number of milliseconds, got ${describe(value)}.`);
  if (value < 0 || (!allowZero && value === 0))
    fail(field, `must be ${allowZero ? 'zero or more' : 'more than zero'}, got ${value}.`);
  return value;
}

function integer(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    fail(field, 'must be a whole number, zero or more.');
  return value;
}

function flag(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(field, `must be true or false, got ${describe(value)}.`);
  return value;
}

function fn<T>(value: unknown, field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail(field, `must be a function, got ${describe(value)}.`);
  return value as T;
}

/** True for hosts that never leave this machine, where plain http is allowed. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

function origin(value: unknown, field: string): URL {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be an absolute https URL.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(field, 'must be an absolute https URL.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    fail(field, 'must use https (plain http is allowed only for loopback hosts such as 127.0.0.1).');
  }
  if (url.username || url.password) fail(field, 'must not contain a user name or password.');
  if (url.search || url.hash) fail(field, 'must not contain a query or fragment.');
  return url;
}

/** Validates user options and applies defaults. Throws `INVALID_OPTIONS` naming the field. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (!isRecord(input)) fail('options', `must be an object, got ${describe(input)}.`);
  for (const key of Object.keys(input)) {
    if (!TOP_LEVEL.has(key)) fail(key, 'is not a known option.');
  }
  const options = input as Partial<ZenotiAuthOptions> & Record<string, unknown>;

  const hasKey = options.apiKey !== undefined;
  const hasApp = options.app !== undefined;
  if (hasKey && hasApp) fail('apiKey', 'give either "apiKey" or "app", not both.');
  if (!hasKey && !hasApp)
    fail('apiKey', 'give credentials: "apiKey", or "app" (with "user" for a service user).');
  if (hasKey && options.user !== undefined) fail('user', '"user" needs "app", not "apiKey".');

  const apiKey = hasKey ? secretOrString(options.apiKey, 'apiKey') : undefined;
  let app: ResolvedOptions['app'] = { accountName: '', appId: '', appSecret: '', deviceId: undefined };
  if (hasApp) {
    if (!isRecord(options.app)) fail('app', `must be an object, got ${describe(options.app)}.`);
    const a = options.app;
    for (const key of Object.keys(a)) {
      if (!['accountName', 'appId', 'appSecret', 'deviceId'].includes(key))
        fail(`app.${key}`, 'is not a known option.');
    }
    app = {
      accountName: text(a.accountName, 'app.accountName'),
      appId: text(a.appId, 'app.appId'),
      appSecret: secretOrString(a.appSecret, 'app.appSecret'),
      deviceId: a.deviceId === undefined ? undefined : text(a.deviceId, 'app.deviceId'),
    };
  }
  let user: ResolvedOptions['user'];
  if (options.user !== undefined) {
    if (!isRecord(options.user)) fail('user', `must be an object, got ${describe(options.user)}.`);
    for (const key of Object.keys(options.user)) {
      if (!['username', 'password'].includes(key)) fail(`user.${key}`, 'is not a known option.');
    }
    user = {
      username: text(options.user.username, 'user.username'),
      password: password(options.user.password, 'user.password'),
    };
  }

  const base = origin(options.baseUrl ?? DEFAULT_BASE_URL, 'baseUrl');
  const allowed = new Set<string>([base.origin]);
  if (options.allowedOrigins !== undefined) {
    if (!Array.isArray(options.allowedOrigins)) fail('allowedOrigins', 'must be an array of https origins.');
    options.allowedOrigins.forEach((value: unknown, index: number) => {
      allowed.add(origin(value, `allowedOrigins[${index}]`).origin);
    });
  }

  const store = options.store;
  if (store !== undefined) {
    if (!isRecord(store) && typeof store !== 'object') fail('store', 'must be a TokenStore.');
    for (const method of ['get', 'set', 'delete'] as const) {
      if (typeof (store as unknown as Record<string, unknown>)[method] !== 'function') {
        fail('store', `must be a TokenStore with a "${method}" method.`);
      }
    }
  }

  const retryInput = options.retry;
  if (retryInput !== undefined && !isRecord(retryInput)) fail('retry', 'must be an object.');
  const retry = {
    retries: integer(retryInput?.retries, 'retry.retries', 3),
    minDelayMs: duration(retryInput?.minDelayMs, 'retry.minDelayMs', 200),
    maxDelayMs: duration(retryInput?.maxDelayMs, 'retry.maxDelayMs', 5_000),
    deadlineMs: duration(retryInput?.deadlineMs, 'retry.deadlineMs', 30_000, false),
  };
  if (retry.maxDelayMs < retry.minDelayMs)
    fail('retry.maxDelayMs', 'must not be less than retry.minDelayMs.');

  let rateLimit: ResolvedOptions['rateLimit'];
  if (options.rateLimit === false) rateLimit = false;
  else if (options.rateLimit === undefined || isRecord(options.rateLimit)) {
    rateLimit = {
      maxWaitMs: duration(options.rateLimit?.maxWaitMs, 'rateLimit.maxWaitMs', 10_000),
      maxRetries: integer(options.rateLimit?.maxRetries, 'rateLimit.maxRetries', 2),
    };
  } else fail('rateLimit', 'must be an object or false.');

  return {
    apiKey,
    app,
    user,
    baseUrl: base.href.replace(/\/+$/, ''),
    baseOrigin: base.origin,
    allowedOrigins: allowed,
    store,
    refreshWindowMs: duration(options.refreshWindowMs, 'refreshWindowMs', 300_000),
    timeoutMs: duration(options.timeoutMs, 'timeoutMs', 10_000, false),
    retry,
    rateLimit,
    credentialsCooldownMs: duration(options.credentialsCooldownMs, 'credentialsCooldownMs', 60_000),
    shareInFlight: flag(options.shareInFlight, 'shareInFlight', true),
    fetch: fn<typeof fetch>(options.fetch, 'fetch'),
    now: fn<() => number>(options.now, 'now') ?? Date.now,
    onEvent: fn<ResolvedOptions['onEvent']>(options.onEvent, 'onEvent'),
  };
}
