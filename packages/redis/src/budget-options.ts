import { invalidOption } from '@zenoti-auth/core';
import { CLIENT_EXPECTED, isClientOrUrl } from './link.ts';
import type { RedisClientLike } from './options.ts';

export interface RedisRateBudgetOptions {
  /**
   * An `ioredis` instance or a connected `redis` (node-redis) client, shared and never closed here;
   * or a Redis URL (`redis://…`, `rediss://…`): then the budget opens a client of its own (ioredis
   * when installed, else node-redis) and `close()` closes it.
   */
  client: RedisClientLike | string;
  /** Put before the budget's keys: every process with the same prefix shares each organisation's budget. @default 'zenoti-auth:' */
  prefix?: string | undefined;
  /**
   * The organisation whose budget this is (its Zenoti account name): every engine that uses it then
   * pays into this account's window, and an engine of another account is warned about. Give it for
   * engines with an API key, which name no account. @default each engine's own `app.accountName`:
   * every organisation its own budget (`<prefix>rate-budget:<account>`)
   */
  account?: string | undefined;
  /** Calls per window, until Zenoti announces another limit. @default 60 */
  limit?: number | undefined;
  /** The window's length in ms, until Zenoti announces another. @default 60_000 */
  intervalMs?: number | undefined;
  /** Time limit of one Redis command; past it the call fails (the engine then paces in-process). @default 1_000 */
  commandTimeoutMs?: number | undefined;
  /**
   * Receives the budget's warnings: why Redis fails, and when it answers again (never a secret).
   * @default as `warning` events (`source: 'budget'`) to the first engine using the budget that
   * listens, else `console.warn`
   */
  onWarning?: ((message: string) => void) | undefined;
  /**
   * How many processes share this budget at most. While Redis is unreachable each process paces
   * itself alone, at `limit ÷ fleetSize` calls per window (and that share of what Zenoti reports
   * left), so that together they stay within the organisation's limit. @default 1 (each process
   * paces at the whole limit: a fleet may then meet 429s during an outage)
   */
  fleetSize?: number | undefined;
}

/** Options after validation, with defaults (`account` '' when none is configured). Internal. */
export type ResolvedBudgetOptions = {
  [K in Exclude<keyof RedisRateBudgetOptions, 'onWarning'>]-?: Exclude<RedisRateBudgetOptions[K], undefined>;
} & { onWarning: RedisRateBudgetOptions['onWarning'] };

/** A day: a longer window or time limit is surely a unit mistake (seconds for milliseconds…). */
const DAY_MS = 86_400_000;

type Rule = [test: (value: never) => unknown, expected: string];

const whole = (most: number): Rule => [
  (value: number) => Number.isInteger(value) && value >= 1 && value <= most,
  `a whole number from 1 to ${most}`,
];
const duration = (least: number): Rule => [
  (value: number) => typeof value === 'number' && value >= least && value <= DAY_MS,
  `a number of milliseconds from ${least} to ${DAY_MS}`,
];

/** What each option must be: the store's rules where they have the same option. */
const RULES: Record<keyof RedisRateBudgetOptions, Rule> = {
  client: [isClientOrUrl, CLIENT_EXPECTED],
  prefix: [
    (value: string) => typeof value === 'string' && value.length <= 200 && !/\s/.test(value),
    'a string of at most 200 characters, without whitespace',
  ],
  account: [
    (value: string) => typeof value === 'string' && /^\S{1,200}$/.test(value),
    'an account name (no whitespace, ≤ 200 characters)',
  ],
  limit: whole(1_000_000),
  intervalMs: duration(1),
  commandTimeoutMs: duration(10),
  onWarning: [(value) => typeof value === 'function', 'a function'],
  fleetSize: whole(10_000),
};

/**
 * Checks the options and applies defaults. Every mistake is `INVALID_OPTIONS` naming the option; the
 * value itself is never shown (a URL may hold a password), except a number.
 */
export function resolveBudgetOptions(options: RedisRateBudgetOptions): ResolvedBudgetOptions {
  if (!(options instanceof Object))
    throw invalidOption('redis', 'options', 'must be an object with "client"');
  for (const field of Object.keys(options))
    if (!Object.hasOwn(RULES, field)) throw invalidOption('redis', field, 'is unknown to RedisRateBudget');
  for (const [field, [test, expected]] of Object.entries(RULES)) {
    const value = options[field as keyof RedisRateBudgetOptions];
    if ((value !== undefined || field === 'client') && !test(value as never))
      throw invalidOption(
        'redis',
        field,
        `must be ${expected}${typeof value === 'number' ? `, got ${value}` : ''}`,
      );
  }
  return {
    client: options.client,
    prefix: options.prefix ?? 'zenoti-auth:',
    account: options.account ?? '',
    limit: options.limit ?? 60,
    intervalMs: options.intervalMs ?? 60_000,
    commandTimeoutMs: options.commandTimeoutMs ?? 1_000,
    onWarning: options.onWarning,
    fleetSize: options.fleetSize ?? 1,
  };
}
