import type { TokenSetCipher } from '@zenoti-auth/core/encryption';
import {
  BUDGET_OPTION_RULES,
  durationRule,
  type OptionTable,
  resolveOptions,
  STORE_OPTION_RULES,
} from '@zenoti-auth/core/shared-store';
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

const name = {
  test: (value: string) => typeof value === 'string' && value.length > 0 && value.length <= 200,
  expected: 'a non-empty string of at most 200 characters',
};

/** The options of a call to the object, the store's and the budget's alike. */
const OBJECT_RULES = {
  namespace: {
    test: (value?: Record<string, unknown>) =>
      typeof value?.idFromName === 'function' && typeof value?.get === 'function',
    expected: 'a Durable Object namespace binding (env.ZENOTI_AUTH) of the ZenotiAuthObject class',
  },
  name,
  callTimeoutMs: durationRule(10, 5_000),
} satisfies OptionTable;

/** What each option must be, and its default: core's rules of every shared store, and the object's. */
const STORE_TABLE: OptionTable = {
  ...OBJECT_RULES,
  ...STORE_OPTION_RULES,
  lockTtlMs: durationRule(100, 10_000),
};

/** The same for the budget: core's rules of every shared budget, and the object's. */
const BUDGET_TABLE: OptionTable = { ...OBJECT_RULES, ...BUDGET_OPTION_RULES };

/** `options` checked against `table`, with its defaults: `INVALID_OPTIONS` naming the field (a number is shown, never another value). */
const check = <T extends object>(options: T, table: OptionTable, what: string): T =>
  resolveOptions('cloudflare', what, options, table, {
    required: 'namespace',
    shape: 'an object with "namespace"',
  });

export function resolveStoreOptions(options: DurableObjectTokenStoreOptions): ResolvedStoreOptions {
  return check(options, STORE_TABLE, 'DurableObjectTokenStore') as ResolvedStoreOptions;
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
  const o = check(options, BUDGET_TABLE, 'DurableObjectRateBudget');
  return { ...o, account: o.account?.toLowerCase() ?? '' } as ResolvedBudgetOptions;
}
