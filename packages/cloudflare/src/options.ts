import { invalidOption } from '@zenoti-auth/core';
import type { TokenSetCipher } from '@zenoti-auth/core/encryption';
import type { DurableObjectNamespaceLike } from './workers.ts';

/** Every field of `T` given (an option left `undefined` gets its default). */
type Given<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
export interface DurableObjectTokenStoreOptions {
  /** The `ZenotiAuthObject` namespace binding: `env.ZENOTI_AUTH` (or `c.env.ZENOTI_AUTH` in Hono). */
  namespace: DurableObjectNamespaceLike;
  /**
   * One object for every token key. Without it each token key (one credential identity, or one
   * signed-in user) has an object of its own, so unrelated identities never wait for each other.
   * @default one object per token key
   */
  name?: string | undefined;
  /**
   * Lease of the refresh lock. The holder renews it while its request lives (up to the time the
   * engine asked for); a holder whose request was cancelled or whose isolate died is released
   * when its lease ends. @default 10_000
   */
  lockTtlMs?: number | undefined;
  /** Longest wait for a lock held by another request (the engine may end it sooner). @default 30_000 */
  waitTimeoutMs?: number | undefined;
  /** Time limit of one call to the object; past it the call fails (the engine carries on without the store). @default 5_000 */
  callTimeoutMs?: number | undefined;
  /**
   * Encrypts token sets before they reach the object: `encryption(key)` from
   * `@zenoti-auth/core/encryption` (AES-256-GCM; the object never sees the key). Create it once per
   * isolate, not per request: the store is reused per namespace and options (see the README).
   */
  encryption?: TokenSetCipher | undefined;
  /**
   * Receives the store's warnings (never a secret), in place of the engines that use it.
   * @default as `warning` events (`source: 'store'`) to the first engine using the store that
   * listens (one line per warning, however many engines share it), else `console.warn`
   */
  onWarning?: ((message: string) => void) | undefined;
}

export interface DurableObjectRateBudgetOptions {
  /** The `ZenotiAuthObject` namespace binding: `env.ZENOTI_AUTH`. */
  namespace: DurableObjectNamespaceLike;
  /**
   * The budget's object: every isolate with the same name shares one budget, whichever
   * organisation's engines use it (an engine of an account other than the one the object recorded
   * gets a warning). @default one object per organisation, `'zenoti-auth:rate-budget:<account>'`
   * (`'zenoti-auth:rate-budget'` for an engine that names none: one with an API key)
   */
  name?: string | undefined;
  /**
   * The organisation whose budget this is (its Zenoti account name): every engine that uses it then
   * pays into this account's window, and an engine of another account is warned about. Give it for
   * engines with an API key, which name no account. @default each engine's own `app.accountName`
   */
  account?: string | undefined;
  /** Calls per window, until Zenoti announces another limit. @default 60 */
  limit?: number | undefined;
  /** The window's length in ms, until Zenoti announces another. @default 60_000 */
  intervalMs?: number | undefined;
  /** Time limit of one call to the object; past it the engine paces in-process. @default 5_000 */
  callTimeoutMs?: number | undefined;
  /**
   * Receives the budget's warnings (two organisations on one budget; never a secret).
   * @default as `warning` events (`source: 'budget'`) to the first engine using the budget that
   * listens, else `console.warn`
   */
  onWarning?: ((message: string) => void) | undefined;
}

/** Options after validation, with defaults. Internal. */
export interface ResolvedStoreOptions
  extends Given<Omit<DurableObjectTokenStoreOptions, 'name' | 'encryption' | 'onWarning'>> {
  name: string | undefined;
  encryption: TokenSetCipher | undefined;
  onWarning: ((message: string) => void) | undefined;
}

/** A day: longer leases or waits are surely a unit mistake (seconds for milliseconds…). */
const MAX_MS = 86_400_000;

type Rule = [test: (value: never) => unknown, expected: string];

const isFunction = (value: unknown): boolean => typeof value === 'function';
const duration = (least: number): Rule => [
  (value: number) => typeof value === 'number' && value >= least && value <= MAX_MS,
  `a number of milliseconds from ${least} to ${MAX_MS}`,
];
const name: Rule = [
  (value: string) => typeof value === 'string' && value.length > 0 && value.length <= 200,
  'a non-empty string of at most 200 characters',
];
const namespace: Rule = [
  (value?: Record<string, unknown>) => isFunction(value?.idFromName) && isFunction(value?.get),
  'a Durable Object namespace binding (env.ZENOTI_AUTH) of the ZenotiAuthObject class',
];

const STORE_RULES: Record<string, Rule> = {
  namespace,
  name,
  lockTtlMs: duration(100),
  waitTimeoutMs: duration(0),
  callTimeoutMs: duration(10),
  encryption: [
    (cipher?: Record<string, unknown>) =>
      ['keyId', 'encrypt', 'decrypt'].every((method) => isFunction(cipher?.[method])),
    'a TokenSetCipher, such as encryption(key) from @zenoti-auth/core/encryption',
  ],
  onWarning: [isFunction, 'a function'],
};

const BUDGET_RULES: Record<string, Rule> = {
  namespace,
  name,
  account: name,
  limit: [
    (value: number) => Number.isInteger(value) && value >= 1 && value <= 1e6,
    'a whole number from 1 to 1000000',
  ],
  intervalMs: duration(1),
  callTimeoutMs: duration(10),
  onWarning: STORE_RULES.onWarning as Rule,
};

/**
 * Checks `options` against `rules`, field by field; every mistake is `INVALID_OPTIONS` naming the
 * field. A wrong number is shown, never another value (it may be a secret).
 */
function check<T extends object>(options: T, rules: Record<string, Rule>, what: string): T {
  if (!(options instanceof Object))
    throw invalidOption('cloudflare', 'options', 'must be an object with "namespace"');
  for (const field of Object.keys(options))
    if (!Object.hasOwn(rules, field)) throw invalidOption('cloudflare', field, `is unknown to ${what}`);
  for (const [field, [test, expected]] of Object.entries(rules)) {
    const value = (options as Record<string, unknown>)[field];
    if ((value !== undefined || field === 'namespace') && !test(value as never))
      throw invalidOption(
        'cloudflare',
        field,
        `must be ${expected}${typeof value === 'number' ? `, got ${value}` : ''}`,
      );
  }
  return options;
}

export function resolveStoreOptions(options: DurableObjectTokenStoreOptions): ResolvedStoreOptions {
  const o = check(options, STORE_RULES, 'DurableObjectTokenStore');
  return {
    namespace: o.namespace,
    name: o.name,
    lockTtlMs: o.lockTtlMs ?? 10_000,
    waitTimeoutMs: o.waitTimeoutMs ?? 30_000,
    callTimeoutMs: o.callTimeoutMs ?? 5_000,
    encryption: o.encryption,
    onWarning: o.onWarning,
  };
}

/** Budget options after validation, with defaults (`name` and `account` stay optional). Internal. */
export interface ResolvedBudgetOptions
  extends Given<Omit<DurableObjectRateBudgetOptions, 'name' | 'account' | 'onWarning'>> {
  name: string | undefined;
  onWarning: ((message: string) => void) | undefined;
  /** Lower-cased; '' when each engine brings its own. */
  account: string;
}

export function resolveBudgetOptions(options: DurableObjectRateBudgetOptions): ResolvedBudgetOptions {
  const o = check(options, BUDGET_RULES, 'DurableObjectRateBudget');
  return {
    namespace: o.namespace,
    name: o.name,
    account: o.account?.toLowerCase() ?? '',
    limit: o.limit ?? 60,
    intervalMs: o.intervalMs ?? 60_000,
    callTimeoutMs: o.callTimeoutMs ?? 5_000,
    onWarning: o.onWarning,
  };
}
